// Publishers: list, create, and one publisher's tokens (security token set or rotated; signing secret
// shown once on rotation).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { ConfirmButton } from '../components/dialogs';
import { Pager } from '../components/pager';
import { ErrorBanner, Field, Loaded, Page, Time, UrlBox, ui } from '../components/ui';
import { api, get, plainMessage, query } from '../lib/api';
import type { Page as ApiPage, Publisher } from '../lib/types';
import { type RewardSettings, RewardSettingsForm } from './publisher-rewards';

const listRoute = getRouteApi('/app/publishers');
const detailRoute = getRouteApi('/app/publishers/$publisherId');

const mask = (secret: string) => `••••${secret.slice(-4)}`;

const columns: Column<Publisher>[] = [
  {
    header: 'Name',
    accessorKey: 'name',
    cell: (c) => (
      <Link to="/publishers/$publisherId" params={{ publisherId: String(c.row.original.id) }}>
        {c.row.original.name}
      </Link>
    ),
  },
  { header: 'ID', accessorKey: 'id', meta: { numeric: true } },
  { header: 'Created', accessorKey: 'createdAt', cell: (c) => <Time ms={c.row.original.createdAt} /> },
];

/** Creates a publisher, or renames the one given. */
function PublisherNameForm(props: { publisher?: Publisher }) {
  const queryClient = useQueryClient();
  const existing = props.publisher;
  const [name, setName] = useState(existing?.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      existing
        ? api<Publisher>('PATCH', `/publishers/${existing.id}`, { name })
        : api<Publisher>('POST', '/publishers', { name }),
    onSuccess: (saved) => {
      if (existing) queryClient.setQueryData(['publishers', saved.id], saved);
      else setName('');
      void queryClient.invalidateQueries({ queryKey: ['publishers'] });
    },
    onError: (e) => setError(plainMessage(e)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setError('Give the publisher a name.');
    setError(null);
    save.mutate();
  }
  return (
    <form className={`${ui.card} ${ui.row}`} style={{ alignItems: 'flex-end' }} onSubmit={submit} noValidate>
      <div style={{ flex: 1, minWidth: '14rem' }}>
        <Field label={existing ? 'Name' : 'Publisher name'} error={error}>
          {(p) => (
            <input {...p} className={ui.input} value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
      </div>
      <button
        type="submit"
        className={`${ui.button} ${existing ? '' : ui.primary}`}
        disabled={save.isPending}
      >
        {existing ? 'Save name' : 'Create publisher'}
      </button>
      {save.data && (
        <p role="status" style={{ flexBasis: '100%', margin: 0 }}>
          {existing ? (
            'Saved.'
          ) : (
            <>
              Created{' '}
              <Link to="/publishers/$publisherId" params={{ publisherId: String(save.data.id) }}>
                {save.data.name}
              </Link>
              .
            </>
          )}
        </p>
      )}
    </form>
  );
}

/** Sets the security token to the value the publisher's tracker issued, or rotates it to a new one. */
function SecurityTokenForm(props: { publisher: Publisher }) {
  const queryClient = useQueryClient();
  const { publisher } = props;
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const saved = (p: Publisher) => {
    queryClient.setQueryData(['publishers', p.id], p);
    void queryClient.invalidateQueries({ queryKey: ['publishers'] });
  };
  const set = useMutation({
    mutationFn: () => api<Publisher>('PATCH', `/publishers/${publisher.id}`, { securityToken: token.trim() }),
    onSuccess: (p) => {
      setToken('');
      saved(p);
    },
    onError: (e) => setError(plainMessage(e)),
  });
  const rotate = useMutation({
    mutationFn: () => api<Publisher>('POST', `/publishers/${publisher.id}/rotate-security-token`),
    onSuccess: saved,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!token.trim()) return setError("Paste the token the publisher's tracker issued.");
    setError(null);
    set.mutate();
  }
  return (
    <>
      <UrlBox url={publisher.securityToken} label="Security token" />
      <form className={ui.row} style={{ alignItems: 'flex-end' }} onSubmit={submit} noValidate>
        <div style={{ flex: 1, minWidth: '14rem' }}>
          <Field label="New security token" help="6–200 letters, digits, . _ ~ -" error={error}>
            {(p) => (
              <input {...p} className={ui.input} value={token} onChange={(e) => setToken(e.target.value)} />
            )}
          </Field>
        </div>
        <button type="submit" className={ui.button} disabled={set.isPending}>
          Set security token
        </button>
        <ConfirmButton
          label="Rotate security token"
          title="Rotate the security token?"
          description="A new random token replaces the current one at once: the publisher's tracker must be told the new one."
          confirmLabel="Rotate"
          onConfirm={() => rotate.mutate()}
        />
      </form>
      {set.isSuccess && <p role="status">Saved.</p>}
      {rotate.error && <ErrorBanner error={rotate.error} what="The token was not rotated" />}
    </>
  );
}

export function PublishersScreen() {
  const search = listRoute.useSearch();
  const list = useQuery({
    queryKey: ['publishers', 'list', search.cursor],
    queryFn: () => get<ApiPage<Publisher>>(`/publishers${query({ cursor: search.cursor, limit: 50 })}`),
  });
  return (
    <Page title="Publishers" lede="Who sends you traffic and receives your postbacks.">
      <PublisherNameForm />
      <Loaded query={list} what="Publishers could not be loaded">
        {(page) => (
          <>
            <DataTable
              caption="Publishers"
              columns={columns}
              data={page.data}
              empty={<p>No publishers yet. Add the first one above, then give it a tracking link.</p>}
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

export function PublisherScreen() {
  const { publisherId } = detailRoute.useParams();
  const queryClient = useQueryClient();
  const publisher = useQuery({
    queryKey: ['publishers', Number(publisherId)],
    queryFn: () => get<Publisher>(`/publishers/${publisherId}`),
  });
  const [revealed, setRevealed] = useState<string | null>(null);
  const rotate = useMutation({
    mutationFn: () => api<Publisher>('POST', `/publishers/${publisherId}/rotate-signing-secret`),
    onSuccess: (p) => {
      setRevealed(p.signingSecret ?? null);
      void queryClient.invalidateQueries({ queryKey: ['publishers'] });
    },
  });
  return (
    <Loaded query={publisher} what="This publisher could not be loaded">
      {(p) => (
        <Page
          title={p.name}
          lede={`Publisher #${p.id}`}
          actions={
            <>
              <Link to="/links" search={{ publisherId: p.id }} className={ui.button}>
                Links
              </Link>
              <Link to="/postbacks" search={{ publisherId: p.id }} className={`${ui.button} ${ui.primary}`}>
                Postbacks
              </Link>
            </>
          }
        >
          <PublisherNameForm publisher={p} />
          <section className={`${ui.card} ${ui.stack}`} aria-labelledby="secrets-title">
            <h2 id="secrets-title">Security token and signing secret</h2>
            <p className={ui.help}>
              The security token is offered to this publisher's postbacks as <code>{'{security_token}'}</code>
              .
            </p>
            <SecurityTokenForm publisher={p} />
            <p className={ui.help}>
              The signing secret signs POST postbacks the Standard Webhooks way. It is shown once, when made.
            </p>
            {revealed ? (
              <>
                <p className={`${ui.banner} ${ui.bannerWarn}`} style={{ margin: 0 }}>
                  Copy the new signing secret now: it is not shown again. The old one keeps working for 24
                  hours.
                </p>
                <UrlBox url={revealed} label="Signing secret" />
              </>
            ) : (
              <p className={ui.mono}>{p.signingSecret ? mask(p.signingSecret) : '••••••••'}</p>
            )}
            <div>
              <ConfirmButton
                label="Rotate signing secret"
                title="Rotate the signing secret?"
                description="A new secret is made and shown once. Receivers verifying signatures accept the old one for 24 hours, then only the new one."
                confirmLabel="Rotate"
                onConfirm={() => rotate.mutate()}
              />
            </div>
            {rotate.error && <ErrorBanner error={rotate.error} what="The secret was not rotated" />}
          </section>
          <RewardSettingsForm
            publisherId={p.id}
            rewards={(p as Publisher & { rewards?: RewardSettings | null }).rewards}
          />
        </Page>
      )}
    </Loaded>
  );
}
