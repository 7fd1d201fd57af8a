// Advertisers ("Advertiser Manage"): the list, and the form shared by create and edit.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { checkNetworkSlug, NetworkFields, networkBodyOf, networkDraftOf } from '../components/network-fields';
import { Pager } from '../components/pager';
import { Field, Loaded, Page, Time, ui } from '../components/ui';
import { ApiError, api, get, plainMessage, query } from '../lib/api';
import { type Advertiser, type Page as ApiPage, STATUSES } from '../lib/types';

const listRoute = getRouteApi('/app/advertisers');

const columns: Column<Advertiser>[] = [
  {
    header: 'Name',
    accessorKey: 'name',
    cell: (c) => (
      <Link to="/advertisers/$advertiserId" params={{ advertiserId: String(c.row.original.id) }}>
        {c.row.original.name}
      </Link>
    ),
  },
  { header: 'ID', accessorKey: 'id', meta: { numeric: true } },
  { header: 'IP allow-list', cell: (c) => c.row.original.ipAllowlist.join(', ') || 'any address' },
  { header: 'Created', accessorKey: 'createdAt', cell: (c) => <Time ms={c.row.original.createdAt} /> },
];

export function AdvertisersScreen() {
  const search = listRoute.useSearch();
  const list = useQuery({
    queryKey: ['advertisers', search.cursor],
    queryFn: () => get<ApiPage<Advertiser>>(`/advertisers${query({ cursor: search.cursor, limit: 50 })}`),
  });
  return (
    <Page
      title="Advertisers"
      lede="Who pays for conversions and reports them to you with inbound postbacks."
      actions={
        <Link to="/advertisers/new" className={`${ui.button} ${ui.primary}`}>
          New advertiser
        </Link>
      }
    >
      <Loaded query={list} what="Advertisers could not be loaded">
        {(page) => (
          <>
            <DataTable
              caption="Advertisers"
              columns={columns}
              data={page.data}
              empty={
                <>
                  <p>No advertisers yet. An advertiser sends you conversions through its own postback URL.</p>
                  <Link to="/advertisers/new" className={`${ui.button} ${ui.primary}`}>
                    Add your first advertiser
                  </Link>
                </>
              }
            />
            <Pager
              cursor={search.cursor}
              trail={search.trail}
              nextCursor={page.nextCursor}
              count={page.data.length}
            />
          </>
        )}
      </Loaded>
    </Page>
  );
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/(\d{1,2}))?$/;
/** The same shapes the server accepts: an address or a CIDR, IPv4 or IPv6. */
export function checkCidr(entry: string): string | null {
  const v4 = IPV4.exec(entry);
  if (v4) {
    const octets = v4.slice(1, 5).map(Number);
    if (octets.some((o) => o > 255)) return `${entry}: each number must be 0–255`;
    if (v4[6] !== undefined && Number(v4[6]) > 32) return `${entry}: the prefix must be 0–32`;
    return null;
  }
  const [address, prefix, extra] = entry.split('/');
  if (extra === undefined && address.includes(':') && /^[0-9a-fA-F:.]+$/.test(address)) {
    if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= 128))
      return `${entry}: the prefix must be 0–128`;
    return null;
  }
  return `${entry}: not an IP address or CIDR (e.g. 203.0.113.0/24)`;
}

export function AdvertiserForm(props: { advertiser?: Advertiser; onSaved: (a: Advertiser) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(props.advertiser?.name ?? '');
  const [ips, setIps] = useState((props.advertiser?.ipAllowlist ?? []).join('\n'));
  const [statusRows, setStatusRows] = useState<[string, string][]>(
    Object.entries(props.advertiser?.statusMap ?? {}),
  );
  const [networkDraft, setNetworkDraft] = useState(() => networkDraftOf(props.advertiser));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const ipList = ips
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);
  const ipError = ipList.map(checkCidr).find((e) => e !== null) ?? null;

  const save = useMutation({
    mutationFn: () => {
      const body = {
        name,
        ipAllowlist: ipList,
        statusMap: Object.fromEntries(
          statusRows.filter(([word]) => word.trim() !== '').map(([w, s]) => [w.trim(), s]),
        ),
        ...networkBodyOf(networkDraft, props.advertiser),
      };
      return props.advertiser
        ? api<Advertiser>('PATCH', `/advertisers/${props.advertiser.id}`, body)
        : api<Advertiser>('POST', '/advertisers', body);
    },
    onSuccess: (saved) => {
      setNetworkDraft(networkDraftOf(saved));
      void queryClient.invalidateQueries({ queryKey: ['advertisers'] });
      props.onSaved(saved);
    },
    onError: (error) => {
      const field = error instanceof ApiError && error.field ? error.field.split('.')[0] : 'form';
      setErrors({ [field]: plainMessage(error) });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setErrors({ name: 'Give the advertiser a name.' });
    if (ipError) return setErrors({ ipAllowlist: ipError });
    const slugError = checkNetworkSlug(networkDraft.network.trim());
    if (slugError) return setErrors({ network: slugError });
    setErrors({});
    save.mutate();
  }

  return (
    <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
      <Field label="Name" error={errors.name}>
        {(p) => <input {...p} className={ui.input} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field
        label="IP allow-list"
        help="Addresses or CIDRs inbound postbacks may come from, one per line. Empty: any address."
        error={errors.ipAllowlist ?? ipError}
      >
        {(p) => (
          <textarea
            {...p}
            className={ui.input}
            rows={3}
            value={ips}
            onChange={(e) => setIps(e.target.value)}
          />
        )}
      </Field>
      <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className={ui.label}>Status map</legend>
        <p className={ui.help}>The advertiser's own status words and the status each one means here.</p>
        {statusRows.map(([word, status], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
          <div key={i} className={ui.row}>
            <label className={ui.rowField}>
              <span className={ui.help}>Their word</span>
              <input
                className={ui.input}
                style={{ maxWidth: '14rem' }}
                aria-label={`Their status word ${i + 1}`}
                value={word}
                onChange={(e) =>
                  setStatusRows(statusRows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))
                }
              />
            </label>
            <label className={ui.rowField}>
              <span className={ui.help}>Means</span>
              <select
                className={ui.input}
                style={{ maxWidth: '10rem' }}
                aria-label={`Means status ${i + 1}`}
                value={status}
                onChange={(e) =>
                  setStatusRows(statusRows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))
                }
              >
                {STATUSES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className={`${ui.button} ${ui.small}`}
              onClick={() => setStatusRows(statusRows.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        ))}
        {errors.statusMap && <p className={ui.error}>{errors.statusMap}</p>}
        <div>
          <button
            type="button"
            className={`${ui.button} ${ui.small}`}
            onClick={() => setStatusRows([...statusRows, ['', 'approved']])}
          >
            Add status word
          </button>
        </div>
      </fieldset>
      <NetworkFields
        draft={networkDraft}
        onChange={setNetworkDraft}
        errors={errors}
        secretSet={props.advertiser?.signatureSecretSet ?? false}
      />
      {errors.form && (
        <p className={ui.error} role="alert">
          {errors.form}
        </p>
      )}
      <div>
        <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={save.isPending}>
          {props.advertiser ? 'Save advertiser' : 'Create advertiser'}
        </button>
      </div>
    </form>
  );
}

export function NewAdvertiserScreen() {
  const navigate = useNavigate();
  return (
    <Page title="New advertiser" lede="After saving you get the advertiser's postback URL to send them.">
      <AdvertiserForm
        onSaved={(a) =>
          navigate({ to: '/advertisers/$advertiserId', params: { advertiserId: String(a.id) } })
        }
      />
    </Page>
  );
}
