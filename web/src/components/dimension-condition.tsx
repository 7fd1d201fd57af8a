// A report condition: a dimension and the values it must (or must not) take, drawn as chips that
// can be removed one by one, a box to add more (names or ids for offers, publishers…), and the
// condition's own remove button. AddCondition starts a new one. Both write through to the URL.
import { useId, useState } from 'react';
import type { Condition, ConditionKind } from '../lib/report-conditions';
import { splitValues } from '../lib/report-conditions';
import { isNamedDimension, type NameBook } from '../lib/report-names';
import { labelOf } from '../lib/reports';
import { ui } from './ui';

const KINDS: [ConditionKind, string, string][] = [
  ['filter', 'Only where', 'is one of'],
  ['exclude', 'Except where', 'is not one of'],
];
const verbOf = (kind: ConditionKind) => KINDS.find(([k]) => k === kind)?.[2] ?? '';

/** Typed text as values: a named dimension's names become their ids; unknown names are errors. */
function resolveValues(
  dimension: string,
  text: string,
  names: NameBook,
): { values: string[]; unknown: string[] } {
  const values: string[] = [];
  const unknown: string[] = [];
  const choices = names.choices(dimension);
  for (const part of splitValues(text)) {
    if (!isNamedDimension(dimension)) values.push(part);
    else if (/^#?\d{1,10}$/.test(part)) values.push(part.replace('#', ''));
    else {
      const match = choices.find((c) => c.label.toLowerCase() === part.toLowerCase());
      if (match) values.push(match.value);
      else unknown.push(part);
    }
  }
  return { values, unknown };
}

/** A text box that adds values on Enter or when it loses focus, suggesting the known names. */
function ValueBox(props: {
  dimension: string;
  label: string;
  names: NameBook;
  onAdd: (values: string[]) => void;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const choices = props.names.choices(props.dimension);
  const add = (input: HTMLInputElement) => {
    if (input.value.trim() === '') return;
    const { values, unknown } = resolveValues(props.dimension, input.value, props.names);
    setError(
      unknown.length ? `No ${labelOf(props.dimension).toLowerCase()} named ${unknown.join(', ')}` : null,
    );
    if (values.length) props.onAdd(values);
    input.value = unknown.join(', ');
  };
  return (
    <span className={ui.field}>
      <input
        className={ui.input}
        aria-label={props.label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        placeholder={isNamedDimension(props.dimension) ? 'Name or id, then Enter' : 'Value, then Enter'}
        list={choices.length ? `${id}-choices` : undefined}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          add(e.currentTarget);
        }}
        onBlur={(e) => add(e.currentTarget)}
      />
      {choices.length ? (
        <datalist id={`${id}-choices`}>
          {choices.map((c) => (
            <option key={c.value} value={c.label}>
              #{c.value}
            </option>
          ))}
        </datalist>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className={ui.error} role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}

export function DimensionCondition(props: {
  condition: Condition;
  names: NameBook;
  /** The condition's new values; none removes it. */
  onValues: (values: string[]) => void;
}) {
  const { kind, dimension, values } = props.condition;
  const title = `${labelOf(dimension)} ${verbOf(kind)}`;
  return (
    <fieldset className={ui.row} aria-label={title} style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className={ui.label}>{title}</legend>
      {values.map((value) => {
        const label = props.names.labelOf(dimension, value);
        return (
          <span key={value} className={ui.chip} title={isNamedDimension(dimension) ? `#${value}` : undefined}>
            {label}{' '}
            <button
              type="button"
              className={ui.sortButton}
              aria-label={`Remove ${label} from ${title}`}
              onClick={() => props.onValues(values.filter((v) => v !== value))}
            >
              ×
            </button>
          </span>
        );
      })}
      <ValueBox
        dimension={dimension}
        label={`Add to ${title}`}
        names={props.names}
        onAdd={(added) => props.onValues([...new Set([...values, ...added])])}
      />
      <button type="button" className={`${ui.button} ${ui.small}`} onClick={() => props.onValues([])}>
        Remove condition
      </button>
    </fieldset>
  );
}

/** A new condition: its kind and dimension, then its first values. */
export function AddCondition(props: {
  dimensions: [string, string][];
  names: NameBook;
  onAdd: (kind: ConditionKind, dimension: string, values: string[]) => void;
}) {
  const [kind, setKind] = useState<ConditionKind>('filter');
  const [dimension, setDimension] = useState(props.dimensions[0]?.[0] ?? 'offer');
  return (
    <fieldset className={ui.row} aria-label="Add a condition" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className={ui.label}>Add a condition</legend>
      <select
        className={ui.input}
        aria-label="Condition"
        value={kind}
        onChange={(e) => setKind(e.target.value as ConditionKind)}
      >
        {KINDS.map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
      <select
        className={ui.input}
        aria-label="Dimension"
        value={dimension}
        onChange={(e) => setDimension(e.target.value)}
      >
        {props.dimensions.map(([d, label]) => (
          <option key={d} value={d}>
            {label}
          </option>
        ))}
      </select>
      <span className={ui.help}>{verbOf(kind)}</span>
      <ValueBox
        key={`${kind}.${dimension}`}
        dimension={dimension}
        label="Values"
        names={props.names}
        onAdd={(values) => props.onAdd(kind, dimension, values)}
      />
    </fieldset>
  );
}
