// The advertiser's postback URLs: the default one and one per goal (Trackier's "Generating Default
// And Goal Postback URLs"), with the parameters the advertiser replaces by its own macros marked.
import { useId, useState } from 'react';
import { useOffer, useOfferSearch } from '../lib/queries';
import type { Advertiser, Offer } from '../lib/types';
import { CopyButton, Field, ui } from './ui';

/** The parameters the advertiser fills in with its own macros. */
export const ADVERTISER_PARAMS: [string, string][] = [
  ['click_id', 'the click id we passed to them'],
  ['payout', 'the amount of the conversion'],
  ['txn_id', 'their transaction or order id'],
  ['status', 'their status word (approved, pending…)'],
];

export function inboundUrl(advertiser: Advertiser, goal?: string): string {
  const params = ADVERTISER_PARAMS.map(([name]) => `${name}={${name}}`).join('&');
  return `${advertiser.postbackUrl}?${params}${goal && goal !== 'default' ? `&goal=${encodeURIComponent(goal)}` : ''}`;
}

function Marked(props: { url: string }) {
  // Placeholders stand out so nobody sends them to an advertiser unreplaced by mistake.
  const parts = props.url.split(/(\{[a-z_]+\})/g);
  return (
    <code style={{ flex: 1, wordBreak: 'break-all' }}>
      {parts.map((part, i) =>
        /^\{[a-z_]+\}$/.test(part) ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: static split of one string
          <mark key={i}>{part}</mark>
        ) : (
          part
        ),
      )}
    </code>
  );
}

export function InboundUrl(props: { url: string; label: string }) {
  return (
    <div className={ui.urlBox}>
      <Marked url={props.url} />
      <CopyButton text={props.url} label={`Copy ${props.label}`} />
    </div>
  );
}

export function ReplaceHint() {
  return (
    <p className={ui.help}>
      The advertiser replaces each marked value with its own macro:{' '}
      {ADVERTISER_PARAMS.map(([name, what], i) => (
        <span key={name}>
          {i > 0 && '; '}
          <code>{`{${name}}`}</code> = {what}
        </span>
      ))}
      .
    </p>
  );
}

export function PostbackUrlGenerator(props: { advertiser: Advertiser }) {
  const [withGoal, setWithGoal] = useState(false);
  const [offerId, setOfferId] = useState<number | undefined>();
  const [goal, setGoal] = useState('');
  const offers = useOfferSearch('', props.advertiser.id);
  const offer = useOffer(offerId);
  const checkboxId = useId();
  const url = inboundUrl(props.advertiser, withGoal && goal ? goal : undefined);
  return (
    <div className={ui.stack}>
      <div className={ui.row}>
        <input
          id={checkboxId}
          type="checkbox"
          checked={withGoal}
          onChange={(e) => setWithGoal(e.target.checked)}
        />
        <label htmlFor={checkboxId}>Add goal value</label>
      </div>
      {withGoal && (
        <div className={ui.formGrid}>
          <Field label="Offer">
            {(p) => (
              <select
                {...p}
                className={ui.input}
                value={offerId ?? ''}
                onChange={(e) => {
                  setOfferId(e.target.value ? Number(e.target.value) : undefined);
                  setGoal('');
                }}
              >
                <option value="">Choose an offer…</option>
                {(offers.data?.data ?? []).map((o: Offer) => (
                  <option key={o.id} value={o.id}>
                    {o.name} (#{o.id})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Goal"
            help={offerId && offer.data?.goals.length === 0 ? 'This offer has no goals.' : undefined}
          >
            {(p) => (
              <select
                {...p}
                className={ui.input}
                value={goal}
                onChange={(e) => setGoal(e.target.value)}
                disabled={!offer.data}
              >
                <option value="">Choose a goal…</option>
                {(offer.data?.goals ?? []).map((g) => (
                  <option key={g.key} value={g.key}>
                    {g.name} ({g.key})
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
      <InboundUrl url={url} label={withGoal && goal ? `${goal} postback URL` : 'default postback URL'} />
      <ReplaceHint />
    </div>
  );
}
