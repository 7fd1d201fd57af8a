// The status filter as chips in the seeds' words: All, Hold, Approve, Reject, Decline, Reversed.
import { LEDGER_EVENTS, type LedgerEvent, STATUSES, type Status } from '../lib/types';
import { ui } from './ui';

/** The seeds' words for the five statuses. */
const CHIPS: [string, Status][] = [
  ['Hold', 'pending'],
  ['Approve', 'approved'],
  ['Reject', 'rejected'],
  ['Decline', 'declined'],
  ['Reversed', 'reversed'],
];

export function StatusChips(props: { value: Status[]; onChange: (v: Status[]) => void }) {
  const all = props.value.length === STATUSES.length;
  const toggle = (status: Status) => {
    const next = props.value.includes(status)
      ? props.value.filter((s) => s !== status)
      : [...props.value, status];
    if (next.length > 0) props.onChange(STATUSES.filter((s) => next.includes(s)));
  };
  return (
    <fieldset className={ui.stack} style={{ gap: '0.3rem', border: 0, padding: 0, margin: 0 }}>
      <legend className={ui.label}>Conversion statuses</legend>
      <div className={ui.row}>
        <button
          type="button"
          className={ui.chip}
          aria-pressed={all}
          onClick={() => props.onChange([...STATUSES])}
        >
          All
        </button>
        {CHIPS.map(([label, status]) => (
          <button
            key={status}
            type="button"
            className={ui.chip}
            aria-pressed={!all && props.value.includes(status)}
            onClick={() => (all ? props.onChange([status]) : toggle(status))}
          >
            {label}
          </button>
        ))}
      </div>
      <p className={ui.help}>
        Fires for {all ? 'every status' : props.value.join(', ')}. Many trackers need only Approve.
      </p>
    </fieldset>
  );
}

const LEDGER_LABELS: Record<LedgerEvent, string> = {
  adjustment: 'Manual adjustments',
  redemption: 'Redemptions',
};

/** Which rewards ledger entries written by hand also fire the postback (global URL postbacks only). */
export function LedgerEventChips(props: { value: LedgerEvent[]; onChange: (v: LedgerEvent[]) => void }) {
  const toggle = (event: LedgerEvent) =>
    props.onChange(
      LEDGER_EVENTS.filter((e) => (e === event ? !props.value.includes(e) : props.value.includes(e))),
    );
  return (
    <fieldset className={ui.stack} style={{ gap: '0.3rem', border: 0, padding: 0, margin: 0 }}>
      <legend className={ui.label}>Rewards ledger entries</legend>
      <div className={ui.row}>
        {LEDGER_EVENTS.map((event) => (
          <button
            key={event}
            type="button"
            className={ui.chip}
            aria-pressed={props.value.includes(event)}
            onClick={() => toggle(event)}
          >
            {LEDGER_LABELS[event]}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
