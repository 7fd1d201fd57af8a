// The advertiser's network on the shared /postback endpoint: its slug, the preset it sends like,
// its own parameter names over the preset (one row per field) and the network's signing secret.
import { useQuery } from '@tanstack/react-query';
import { get } from '../lib/api';
import type { Advertiser, InboundPreset, MappableField } from '../lib/types';
import { MAPPABLE_FIELDS } from '../lib/types';
import { Field, TableWrap, ui } from './ui';

export const FIELD_LABELS: Record<MappableField, string> = {
  clickId: 'Click id',
  txnId: 'Transaction id',
  amount: 'Payout (what they pay)',
  saleAmount: 'Sale amount',
  currency: 'Currency',
  status: 'Status',
  goal: 'Goal',
};

export interface NetworkDraft {
  network: string;
  preset: string;
  /** Field → their parameter name; '' = the preset's or the alias table's. */
  names: Record<MappableField, string>;
  /** A new signing secret; '' = keep the one set. */
  secret: string;
}

export function networkDraftOf(a: Advertiser | undefined): NetworkDraft {
  const names = {} as Record<MappableField, string>;
  for (const field of MAPPABLE_FIELDS) names[field] = a?.parameterMap[field] ?? '';
  return { network: a?.network ?? '', preset: a?.preset ?? '', names, secret: '' };
}

/** The API body for the draft; fields the advertiser set to "not read" (null) keep that. */
export function networkBodyOf(draft: NetworkDraft, a: Advertiser | undefined) {
  const parameterMap: Record<string, string | null> = {};
  for (const field of MAPPABLE_FIELDS) {
    const name = draft.names[field].trim();
    if (name) parameterMap[field] = name;
    else if (a?.parameterMap[field] === null) parameterMap[field] = null;
  }
  return {
    network: draft.network.trim() || null,
    preset: draft.preset || null,
    parameterMap,
    ...(draft.secret.trim() && { signatureSecret: draft.secret.trim() }),
  };
}

export function usePresets() {
  return useQuery({
    queryKey: ['inbound-presets'],
    queryFn: () => get<{ data: InboundPreset[] }>('/inbound-presets'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function checkNetworkSlug(slug: string): string | null {
  if (slug === '' || SLUG.test(slug)) return null;
  return 'Use lowercase letters, digits and dashes (not first or last), up to 64 characters.';
}

export function NetworkFields(props: {
  draft: NetworkDraft;
  onChange: (draft: NetworkDraft) => void;
  errors: Record<string, string>;
  secretSet: boolean;
}) {
  const { draft, onChange } = props;
  const presets = usePresets();
  const preset = presets.data?.data.find((p) => p.name === draft.preset);
  const set = (patch: Partial<NetworkDraft>) => onChange({ ...draft, ...patch });
  return (
    <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className={ui.label}>Network and parameter names</legend>
      <Field
        label="Network slug"
        help="Names this advertiser on the shared endpoint: /postback?network=<slug>. The token is still required."
        error={props.errors.network ?? checkNetworkSlug(draft.network)}
      >
        {(p) => (
          <input
            {...p}
            className={ui.input}
            value={draft.network}
            placeholder="revboost"
            onChange={(e) => set({ network: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="Preset"
        help={preset ? `Names taken from ${preset.source}` : 'Pick the network this advertiser sends like.'}
      >
        {(p) => (
          <select
            {...p}
            className={ui.input}
            value={draft.preset}
            onChange={(e) => set({ preset: e.target.value })}
          >
            <option value="">No preset (our own names)</option>
            {(presets.data?.data ?? []).map((option) => (
              <option key={option.name} value={option.name}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TableWrap label="Parameter names">
        <table className={ui.table}>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Preset name</th>
              <th scope="col">Their parameter name</th>
            </tr>
          </thead>
          <tbody>
            {MAPPABLE_FIELDS.map((field) => {
              const fromPreset = preset?.parameterMap[field];
              return (
                <tr key={field}>
                  <th scope="row">{FIELD_LABELS[field]}</th>
                  <td>{fromPreset === null ? 'not read' : (fromPreset ?? 'any usual name')}</td>
                  <td>
                    <input
                      className={ui.input}
                      aria-label={`Their parameter name for ${FIELD_LABELS[field].toLowerCase()}`}
                      value={draft.names[field]}
                      placeholder={fromPreset ?? ''}
                      onChange={(e) => set({ names: { ...draft.names, [field]: e.target.value } })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      {props.errors.parameterMap && <p className={ui.error}>{props.errors.parameterMap}</p>}
      {preset?.signature && (
        <Field
          label="Signing secret"
          help={
            props.secretSet
              ? `Set. ${preset.label} signs its callbacks (${preset.signature.param}); type a new secret to replace it.`
              : `${preset.label} signs its callbacks (${preset.signature.param}) with a secret it shows you: paste it here.`
          }
          error={props.errors.signatureSecret}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="off"
              className={ui.input}
              value={draft.secret}
              onChange={(e) => set({ secret: e.target.value })}
            />
          )}
        </Field>
      )}
    </fieldset>
  );
}
