// An ad-platform destination in the postback editor: the platform's settings (secrets are typed in
// once and then shown only as "set ····1234"), the event map table and the value sent.
import type { EventMapEntry, PostbackKind, Status } from '../lib/types';
import { STATUSES } from '../lib/types';
import { radio } from './postback-body-fields';
import { Field, ui } from './ui';

export const KINDS: Array<[PostbackKind, string]> = [
  ['url', 'A URL (tracker, network, publisher)'],
  ['meta_capi', 'Meta Conversions API'],
  ['tiktok_events', 'TikTok Events API'],
  ['google_ads', 'Google Ads'],
];

interface Setting {
  name: string;
  label: string;
  secret?: boolean;
  help?: string;
  only?: 'data_manager' | 'click_upload';
}

const SETTINGS: Record<Exclude<PostbackKind, 'url'>, Setting[]> = {
  meta_capi: [
    { name: 'pixelId', label: 'Dataset (pixel) ID', help: 'Events Manager → your dataset → Settings.' },
    {
      name: 'accessToken',
      label: 'Access token',
      secret: true,
      help: 'Settings → Conversions API → Generate access token.',
    },
    {
      name: 'testEventCode',
      label: 'Test event code',
      help: 'Events Manager → Test events; used only by “Test conversion”.',
    },
    {
      name: 'eventSourceUrl',
      label: 'Event source URL',
      help: 'The page where conversions happen (defaults to the offer’s landing page).',
    },
  ],
  tiktok_events: [
    { name: 'pixelCode', label: 'Pixel code', help: 'Events Manager → your pixel → Settings.' },
    {
      name: 'accessToken',
      label: 'Access token',
      secret: true,
      help: 'Pixel settings → Events API → Generate access token.',
    },
    {
      name: 'testEventCode',
      label: 'Test event code',
      help: 'Test events tab; used only by “Test conversion”.',
    },
    {
      name: 'eventSourceUrl',
      label: 'Page URL',
      help: 'The page where conversions happen (defaults to the offer’s landing page).',
    },
  ],
  google_ads: [
    { name: 'operatingAccountId', label: 'Google Ads customer ID', help: '10 digits, without hyphens.' },
    {
      name: 'conversionActionId',
      label: 'Conversion action ID',
      help: 'Goals → Conversions → the action (type: import from clicks).',
    },
    { name: 'clientId', label: 'OAuth client ID' },
    { name: 'clientSecret', label: 'OAuth client secret', secret: true },
    { name: 'refreshToken', label: 'OAuth refresh token', secret: true },
    {
      name: 'loginCustomerId',
      label: 'Manager account ID',
      help: 'Only when you reach the account through a manager (MCC).',
    },
    { name: 'developerToken', label: 'Developer token', secret: true, only: 'click_upload' },
  ],
};

export interface DestinationDraft {
  settings: Record<string, string>;
  api: 'data_manager' | 'click_upload';
  allowWithoutClickId: boolean;
  eventMap: EventMapEntry[];
  value: 'payout' | 'revenue' | 'sale_amount';
}

/** The editor's draft from a stored destination: secrets start empty ("keep what is stored"). */
export function destinationDraft(
  destination: Record<string, unknown> | null | undefined,
  eventMap: EventMapEntry[] | undefined,
  value: DestinationDraft['value'] | undefined,
): DestinationDraft {
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(destination ?? {})) if (typeof v === 'string') settings[k] = v;
  return {
    settings,
    api: destination?.api === 'click_upload' ? 'click_upload' : 'data_manager',
    allowWithoutClickId: destination?.allowWithoutClickId === true,
    eventMap: eventMap ?? [{ status: 'approved', event: 'Purchase' }],
    value: value ?? 'payout',
  };
}

/** What the API takes: only the settings of this kind, and a secret only when one was typed. */
export function destinationBody(kind: Exclude<PostbackKind, 'url'>, d: DestinationDraft) {
  const destination: Record<string, unknown> = {};
  for (const s of SETTINGS[kind]) {
    if (s.only && s.only !== d.api) continue;
    const v = d.settings[s.name]?.trim();
    if (v) destination[s.name] = v;
  }
  if (kind === 'google_ads') destination.api = d.api;
  destination.allowWithoutClickId = d.allowWithoutClickId;
  return {
    kind,
    destination,
    eventMap: d.eventMap.map((e) => ({ ...e, goal: e.goal || undefined })),
    value: d.value,
  };
}

function secretHelp(stored: unknown): string {
  if (stored && typeof stored === 'object' && 'set' in stored) {
    const four = (stored as { lastFour?: string }).lastFour;
    return `Set${four ? ` (ends in ${four})` : ''}. Leave empty to keep it; type a new one to replace it.`;
  }
  return 'Stored encrypted; never shown again after saving.';
}

export function DestinationFields(props: {
  kind: Exclude<PostbackKind, 'url'>;
  stored: Record<string, unknown> | null | undefined;
  value: DestinationDraft;
  onChange: (next: DestinationDraft) => void;
  errors: Record<string, string>;
  canSendRevenue: boolean;
}) {
  const d = props.value;
  const set = (patch: Partial<DestinationDraft>) => props.onChange({ ...d, ...patch });
  const setRow = (i: number, patch: Partial<EventMapEntry>) =>
    set({ eventMap: d.eventMap.map((e, j) => (j === i ? { ...e, ...patch } : e)) });
  return (
    <>
      {props.kind === 'google_ads' && (
        <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className={ui.label}>Google API</legend>
          <div className={ui.row}>
            {radio(
              'gapi',
              'data_manager',
              d.api === 'data_manager',
              () => set({ api: 'data_manager' }),
              'Data Manager API (recommended)',
            )}
            {radio(
              'gapi',
              'click_upload',
              d.api === 'click_upload',
              () => set({ api: 'click_upload' }),
              'Legacy click upload (allow-listed accounts)',
            )}
          </div>
        </fieldset>
      )}
      <div className={ui.formGrid}>
        {SETTINGS[props.kind]
          .filter((s) => !s.only || s.only === d.api)
          .map((s) => (
            <Field
              key={s.name}
              label={s.label}
              help={s.secret ? secretHelp(props.stored?.[s.name]) : s.help}
              error={props.errors[s.name]}
            >
              {(fp) => (
                <input
                  {...fp}
                  className={ui.input}
                  type={s.secret ? 'password' : 'text'}
                  autoComplete="off"
                  value={d.settings[s.name] ?? ''}
                  onChange={(e) => set({ settings: { ...d.settings, [s.name]: e.target.value } })}
                />
              )}
            </Field>
          ))}
      </div>
      <label className={ui.row} style={{ gap: '0.3rem' }}>
        <input
          type="checkbox"
          checked={d.allowWithoutClickId}
          onChange={(e) => set({ allowWithoutClickId: e.target.checked })}
        />
        Also send conversions whose click has no click id of this platform
      </label>
      <Field
        label="Value sent"
        help={props.canSendRevenue ? undefined : 'A publisher’s destination receives the payout.'}
      >
        {(fp) => (
          <select
            {...fp}
            className={ui.input}
            value={d.value}
            onChange={(e) => set({ value: e.target.value as DestinationDraft['value'] })}
          >
            <option value="payout">Payout</option>
            {props.canSendRevenue && <option value="revenue">Revenue</option>}
            {props.canSendRevenue && <option value="sale_amount">Sale amount</option>}
          </select>
        )}
      </Field>
      <table className={ui.table}>
        <caption className={ui.label} style={{ textAlign: 'left' }}>
          Event map: which status (and goal) becomes which platform event
        </caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Goal (empty = any)</th>
            <th scope="col">Platform event</th>
            <th scope="col">Row</th>
          </tr>
        </thead>
        <tbody>
          {d.eventMap.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their place
            <tr key={i}>
              <td>
                <select
                  aria-label={`Status of row ${i + 1}`}
                  className={ui.input}
                  value={e.status}
                  onChange={(ev) => setRow(i, { status: ev.target.value as Status })}
                >
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  aria-label={`Goal of row ${i + 1}`}
                  className={ui.input}
                  value={e.goal ?? ''}
                  onChange={(ev) => setRow(i, { goal: ev.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={`Platform event of row ${i + 1}`}
                  className={ui.input}
                  value={e.event}
                  onChange={(ev) => setRow(i, { event: ev.target.value })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className={ui.button}
                  onClick={() => set({ eventMap: d.eventMap.filter((_, j) => j !== i) })}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.errors.eventMap && <p className={ui.error}>{props.errors.eventMap}</p>}
      <div>
        <button
          type="button"
          className={ui.button}
          onClick={() => set({ eventMap: [...d.eventMap, { status: 'approved', event: '' }] })}
        >
          Add event
        </button>
      </div>
      {props.kind === 'google_ads' && (
        <p className={ui.help}>
          {d.api === 'click_upload'
            ? 'A reversal with an event above is sent to Google as a retraction of the conversion (by its order id). Google applies retractions on its side: treat them as best effort.'
            : 'Reversals are not forwarded through the Data Manager API (it documents no retraction): they are recorded as not sent, with the reason; retract them in Google Ads, or use the legacy click upload.'}
        </p>
      )}
    </>
  );
}
