import type { Generated, Insertable, Selectable } from 'kysely';

export interface SmartLinkTable {
  id: Generated<number>;
  name: string;
  /** JSON array of SmartLinkRule, in evaluation order (see smartlink-rules.ts). */
  rules: string;
  /** Where a visitor goes when no rule has an offer for them; a template with click macros. */
  fallback_url: string;
  /** The id the next new rule gets: rule ids are never reused, so a click's rule keeps its meaning. */
  next_rule_id: number;
  /** 1 = weights follow each offer's EPC over the recent window (recomputed periodically). */
  auto_optimize: Generated<number>;
  optimize_window_hours: Generated<number>;
  /** JSON object offer id → weight from the last recompute; null until one ran. */
  optimized_weights: string | null;
  optimized_at: number | null;
  created_at: number;
  updated_at: number;
}
export type SmartLinkRow = Selectable<SmartLinkTable>;
export type NewSmartLinkRow = Insertable<SmartLinkTable>;
