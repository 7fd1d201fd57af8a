// A list's filters as a labelled form whose values live in the URL: "Apply" writes them there (back
// to the first page), "Clear" removes them. Times are local datetime-local values, sent as ms.
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useEffect, useId, useRef } from 'react';
import { ui } from './ui';

export interface FilterField {
  name: string;
  label: string;
  /** A select with these choices (and "Any"); otherwise a text box. */
  options?: { value: string; label: string }[];
  type?: 'text' | 'datetime-local';
}

type Search = Record<string, unknown>;

/** A box's text as the URL keeps it: numbers and true/false as such (no quotes), empty as absent. */
function urlValue(raw: string): string | number | boolean | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  return /^\d{1,15}$/.test(text) && String(Number(text)) === text ? Number(text) : text;
}

export function FilterForm(props: { label: string; fields: FilterField[]; values: Search }) {
  const navigate = useNavigate();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // "/" focuses the first filter, as the search box of the other lists.
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) {
        e.preventDefault();
        form.current?.querySelector<HTMLElement>('input, select')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const names = props.fields.map((f) => f.name);
  // Shared by every list route, each of which validates its own search params.
  const go = navigate as unknown as (options: {
    to: string;
    search: (prev: Search) => Search;
  }) => Promise<void>;
  const apply = (next: Record<string, string | number | boolean | undefined>) =>
    go({
      to: '.',
      search: (prev) => {
        const kept = Object.fromEntries(
          Object.entries(prev).filter(([k]) => !names.includes(k) && k !== 'cursor' && k !== 'trail'),
        );
        return { ...kept, ...next };
      },
    });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    apply(Object.fromEntries(names.map((n) => [n, urlValue(String(data.get(n) ?? ''))])));
  }
  return (
    <form
      ref={form}
      aria-label={props.label}
      onSubmit={submit}
      // Remount when the URL changes so the boxes show what is applied.
      key={JSON.stringify(names.map((n) => props.values[n]))}
      className={ui.row}
      style={{ alignItems: 'flex-end', flexWrap: 'wrap', gap: '0.6rem' }}
    >
      {props.fields.map((f) => {
        const fieldId = `${id}-${f.name}`;
        const value = props.values[f.name] === undefined ? '' : String(props.values[f.name]);
        return (
          <div key={f.name} className={ui.field} style={{ minWidth: '9rem' }}>
            <label className={ui.label} htmlFor={fieldId}>
              {f.label}
            </label>
            {f.options ? (
              <select id={fieldId} name={f.name} className={ui.input} defaultValue={value}>
                <option value="">Any</option>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={fieldId}
                name={f.name}
                type={f.type ?? 'text'}
                className={ui.input}
                defaultValue={value}
                autoComplete="off"
              />
            )}
          </div>
        );
      })}
      <div className={ui.row}>
        <button type="submit" className={`${ui.button} ${ui.primary}`}>
          Apply filters
        </button>
        <button
          type="button"
          className={ui.button}
          onClick={() => apply(Object.fromEntries(names.map((n) => [n, undefined])))}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

/** A datetime-local value from the URL as ms since the epoch (the viewer's zone), or undefined. */
export function localTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** The time filters every activity list shares. */
export const TIME_FIELDS: FilterField[] = [
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'Until', type: 'datetime-local' },
];

/** Choices for a select of ids, from a pick list. */
export const idOptions = (rows: { id: number; name: string }[] | undefined) =>
  (rows ?? []).map((r) => ({ value: String(r.id), label: `${r.name} (#${r.id})` }));

/** Milliseconds as "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
