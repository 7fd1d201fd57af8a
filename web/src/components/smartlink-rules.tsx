// The rules of a SmartLink, in order: each with its conditions (comma-separated lists; empty = any)
// and its offers with weights. Rules and offers are added, removed and moved by buttons, so the
// whole editor works by keyboard.
import type { Offer, SmartLinkMatchKey, SmartLinkRule } from '../lib/types';
import { Field, ui } from './ui';

export interface OfferDraft {
  key: string;
  offerId: string;
  weight: string;
  paused: boolean;
}

export interface RuleDraft {
  key: string;
  /** The saved rule's id, so clicks already recorded under it keep their meaning. */
  id?: number;
  name: string;
  match: Record<SmartLinkMatchKey, string>;
  offers: OfferDraft[];
}

const CONDITIONS: { key: SmartLinkMatchKey; label: string; placeholder: string }[] = [
  { key: 'countries', label: 'countries', placeholder: 'US, CA' },
  { key: 'devices', label: 'devices', placeholder: 'mobile, tablet' },
  { key: 'os', label: 'OS', placeholder: 'iOS, Android' },
  { key: 'browsers', label: 'browsers', placeholder: 'Chrome' },
  { key: 'languages', label: 'languages', placeholder: 'en, de' },
];

let nextKey = 0;
const newKey = () => `k${++nextKey}`;

export const emptyOffer = (): OfferDraft => ({ key: newKey(), offerId: '', weight: '1', paused: false });

export const emptyRule = (): RuleDraft => ({
  key: newKey(),
  name: '',
  match: { countries: '', devices: '', os: '', browsers: '', languages: '' },
  offers: [emptyOffer()],
});

export function toRuleDraft(rule: SmartLinkRule): RuleDraft {
  const list = (key: SmartLinkMatchKey) => (rule.match[key] ?? []).join(', ');
  return {
    key: newKey(),
    id: rule.id,
    name: rule.name,
    match: {
      countries: list('countries'),
      devices: list('devices'),
      os: list('os'),
      browsers: list('browsers'),
      languages: list('languages'),
    },
    offers: rule.offers.map((o) => ({
      key: newKey(),
      offerId: String(o.offerId),
      weight: String(o.weight),
      paused: o.paused,
    })),
  };
}

const split = (text: string) =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** The rules as the API takes them. */
export function ruleBody(rule: RuleDraft) {
  const match: Partial<Record<SmartLinkMatchKey, string[]>> = {};
  for (const { key } of CONDITIONS) {
    const values = split(rule.match[key]);
    if (values.length) match[key] = values;
  }
  return {
    ...(rule.id !== undefined && { id: rule.id }),
    ...(rule.name.trim() && { name: rule.name.trim() }),
    match,
    offers: rule.offers.map((o) => ({
      offerId: Number(o.offerId),
      weight: Number(o.weight),
      paused: o.paused,
    })),
  };
}

function move<T>(list: T[], from: number, to: number): T[] {
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

export function RulesEditor(props: {
  rules: RuleDraft[];
  offers: Offer[];
  onChange: (rules: RuleDraft[]) => void;
}) {
  const { rules, onChange } = props;
  const update = (i: number, patch: Partial<RuleDraft>) =>
    onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className={ui.stack}>
      {rules.length === 0 && <p className={ui.help}>No rules yet: every visitor goes to the fallback URL.</p>}
      <ol className={ui.stack} style={{ paddingLeft: 0, listStyle: 'none' }}>
        {rules.map((rule, i) => {
          const n = i + 1;
          const setOffer = (k: number, patch: Partial<OfferDraft>) =>
            update(i, { offers: rule.offers.map((o, j) => (j === k ? { ...o, ...patch } : o)) });
          return (
            <li key={rule.key}>
              <fieldset className={`${ui.card} ${ui.stack}`}>
                <legend>
                  Rule {n}
                  {rule.id !== undefined ? ` (id ${rule.id})` : ''}
                </legend>
                <div className={ui.row}>
                  <button
                    type="button"
                    className={`${ui.button} ${ui.small}`}
                    aria-label={`Move rule ${n} up`}
                    disabled={i === 0}
                    onClick={() => onChange(move(rules, i, i - 1))}
                  >
                    ↑ Up
                  </button>
                  <button
                    type="button"
                    className={`${ui.button} ${ui.small}`}
                    aria-label={`Move rule ${n} down`}
                    disabled={i === rules.length - 1}
                    onClick={() => onChange(move(rules, i, i + 1))}
                  >
                    ↓ Down
                  </button>
                  <button
                    type="button"
                    className={`${ui.button} ${ui.small} ${ui.danger}`}
                    aria-label={`Remove rule ${n}`}
                    onClick={() => onChange(rules.filter((_, j) => j !== i))}
                  >
                    Remove rule
                  </button>
                </div>
                <div className={ui.formGrid}>
                  <Field label={`Rule ${n} name`}>
                    {(p) => (
                      <input
                        {...p}
                        className={ui.input}
                        value={rule.name}
                        placeholder={`Rule ${n}`}
                        onChange={(e) => update(i, { name: e.target.value })}
                      />
                    )}
                  </Field>
                  {CONDITIONS.map((c) => (
                    <Field
                      key={c.key}
                      label={`Rule ${n} ${c.label}`}
                      help="Comma-separated; empty matches any."
                    >
                      {(p) => (
                        <input
                          {...p}
                          className={ui.input}
                          value={rule.match[c.key]}
                          placeholder={c.placeholder}
                          onChange={(e) => update(i, { match: { ...rule.match, [c.key]: e.target.value } })}
                        />
                      )}
                    </Field>
                  ))}
                </div>
                <div className={ui.tableWrap}>
                  <table className={ui.table}>
                    <caption>Rule {n} offers (traffic split by weight)</caption>
                    <thead>
                      <tr>
                        <th scope="col">Offer</th>
                        <th scope="col">Weight</th>
                        <th scope="col">Paused</th>
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {rule.offers.map((offer, k) => (
                        <tr key={offer.key}>
                          <td>
                            <select
                              aria-label={`Rule ${n} offer ${k + 1}`}
                              className={ui.input}
                              value={offer.offerId}
                              onChange={(e) => setOffer(k, { offerId: e.target.value })}
                            >
                              <option value="">Choose an offer…</option>
                              {props.offers.map((o) => (
                                <option key={o.id} value={o.id}>
                                  {o.name} (#{o.id})
                                </option>
                              ))}
                            </select>
                          </td>
                          <td>
                            <input
                              aria-label={`Rule ${n} offer ${k + 1} weight`}
                              className={ui.input}
                              type="number"
                              min={0}
                              step={1}
                              value={offer.weight}
                              onChange={(e) => setOffer(k, { weight: e.target.value })}
                            />
                          </td>
                          <td>
                            <input
                              type="checkbox"
                              aria-label={`Rule ${n} offer ${k + 1} paused`}
                              checked={offer.paused}
                              onChange={(e) => setOffer(k, { paused: e.target.checked })}
                            />
                          </td>
                          <td>
                            <button
                              type="button"
                              className={`${ui.button} ${ui.small}`}
                              aria-label={`Remove offer ${k + 1} from rule ${n}`}
                              disabled={rule.offers.length === 1}
                              onClick={() => update(i, { offers: rule.offers.filter((_, j) => j !== k) })}
                            >
                              Remove
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <div>
                  <button
                    type="button"
                    className={`${ui.button} ${ui.small}`}
                    onClick={() => update(i, { offers: [...rule.offers, emptyOffer()] })}
                  >
                    Add offer to rule {n}
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div>
        <button type="button" className={ui.button} onClick={() => onChange([...rules, emptyRule()])}>
          Add rule
        </button>
      </div>
    </div>
  );
}
