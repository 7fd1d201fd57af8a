// Inbound rules as every new conversion meets them: each rule compiled once into a synchronous
// condition, and for each (advertiser, offer, publisher) the ordered rules in its scope picked once,
// both kept until the rules change (an edit on this node clears them at once, other nodes reload
// within the TTL). A conversion then costs a map lookup and the conditions of its own rules.
import type { AppContext } from '../server/app-context.ts';
import { listRules } from './rule.repository.ts';
import type { InboundRuleRow, RuleAction, RuleParams } from './rule.table.ts';
import { RULE_COMPILERS, type RuleCondition, type RuleSubject } from './rule-conditions.ts';

const TTL_MS = 5_000;
// Scope lists are cheap to rebuild; the bound only keeps a long tail of offers from piling up.
const MAX_SCOPES = 10_000;

export interface RuleVerdict {
  action: RuleAction;
  reasonCode: string;
  ruleId: number;
}

interface CompiledRule extends RuleVerdict {
  scope: InboundRuleRow['scope'];
  scopeId: number | null;
  matches: RuleCondition;
}

interface LoadedRules {
  rules: CompiledRule[];
  byScope: Map<string, CompiledRule[]>;
  expiresAt: number;
}

function compileRule(row: InboundRuleRow): CompiledRule {
  return {
    ruleId: Number(row.id),
    action: row.action,
    reasonCode: row.reason_code,
    scope: row.scope,
    scopeId: row.scope_id === null ? null : Number(row.scope_id),
    matches: RULE_COMPILERS[row.kind](JSON.parse(row.params) as RuleParams),
  };
}

function inScope(rule: CompiledRule, s: RuleSubject): boolean {
  switch (rule.scope) {
    case 'all':
      return true;
    case 'advertiser':
      return rule.scopeId === s.advertiserId;
    case 'offer':
      return rule.scopeId === s.offerId;
    case 'publisher':
      return rule.scopeId === s.publisherId;
  }
}

/** The rules that apply to the subject's advertiser, offer and publisher, in order. */
function rulesInScope(loaded: LoadedRules, s: RuleSubject): CompiledRule[] {
  const key = `${s.advertiserId}|${s.offerId}|${s.publisherId}`;
  let list = loaded.byScope.get(key);
  if (!list) {
    list = loaded.rules.filter((rule) => inScope(rule, s));
    if (loaded.byScope.size >= MAX_SCOPES) loaded.byScope.clear();
    loaded.byScope.set(key, list);
  }
  return list;
}

function decide(loaded: LoadedRules, subject: RuleSubject): RuleVerdict | undefined {
  if (loaded.rules.length === 0) return undefined;
  for (const rule of rulesInScope(loaded, subject)) {
    if (rule.matches(subject))
      return { action: rule.action, reasonCode: rule.reasonCode, ruleId: rule.ruleId };
  }
  return undefined;
}

export interface InboundRules {
  /** The first enabled rule in scope whose condition matches, or undefined (accept). */
  evaluate(subject: RuleSubject): Promise<RuleVerdict | undefined>;
}

export function createInboundRules(ctx: AppContext): InboundRules {
  let loaded: LoadedRules | undefined;
  let loading: Promise<LoadedRules> | undefined;
  let generation = 0;
  ctx.events.on('catalog.changed', () => {
    generation++;
    loaded = undefined;
    loading = undefined;
  });
  async function load(): Promise<LoadedRules> {
    const started = generation;
    const rows = await listRules(ctx.store.db);
    const fresh: LoadedRules = {
      rules: rows.filter((row) => row.enabled === 1).map(compileRule),
      byScope: new Map(),
      expiresAt: Date.now() + TTL_MS,
    };
    if (started === generation) loaded = fresh;
    return fresh;
  }
  return {
    async evaluate(subject) {
      if (loaded && loaded.expiresAt > Date.now()) return decide(loaded, subject);
      // Postbacks arriving together during a reload share it.
      if (!loading) {
        const started: Promise<LoadedRules> = load().finally(() => {
          if (loading === started) loading = undefined;
        });
        loading = started;
      }
      return decide(await loading, subject);
    },
  };
}
