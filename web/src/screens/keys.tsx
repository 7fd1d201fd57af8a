// API keys: create (the key is shown once), list, revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Binding, BindingFields, bindingBody } from '../components/binding-fields';
import { type Column, DataTable } from '../components/data-table';
import { ConfirmButton } from '../components/dialogs';
import { Field, Loaded, Page, Time, UrlBox, ui } from '../components/ui';
import { api, get, plainMessage } from '../lib/api';
import { boundTo } from '../lib/format';
import type { ApiKey, Page as ApiPage } from '../lib/types';

export function KeysScreen() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => get<ApiPage<ApiKey>>('/keys?limit=500') });
  const [binding, setBinding] = useState<Binding>({ role: 'admin', ownerId: '' });
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api<ApiKey & { key: string }>('POST', '/keys', { ...bindingBody(binding), ...(label && { label }) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['keys'] }),
    onError: (e) => setError(plainMessage(e)),
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api('DELETE', `/keys/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['keys'] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (binding.role !== 'admin' && !binding.ownerId)
      return setError(`Choose the ${binding.role} this key belongs to.`);
    setError(null);
    create.mutate();
  }
  const columns: Column<ApiKey>[] = [
    {
      header: 'Key',
      accessorKey: 'prefix',
      cell: (c) => <span className={ui.mono}>{c.row.original.prefix}…</span>,
    },
    { header: 'Label', accessorKey: 'label' },
    { header: 'Role', accessorKey: 'role' },
    {
      header: 'Bound to',
      cell: (c) => boundTo(c.row.original),
    },
    { header: 'Created', accessorKey: 'createdAt', cell: (c) => <Time ms={c.row.original.createdAt} /> },
    {
      header: 'State',
      cell: (c) =>
        c.row.original.revokedAt ? (
          'revoked'
        ) : (
          <ConfirmButton
            label={`Revoke ${c.row.original.prefix}…`}
            title="Revoke this key?"
            description="Every program using it is refused from now on. This cannot be undone."
            confirmLabel="Revoke key"
            danger
            onConfirm={() => revoke.mutate(c.row.original.id)}
          />
        ),
    },
  ];
  return (
    <Page title="API keys" lede="Keys for programs that call the API. Each is shown once, when made.">
      <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
        <h2>New API key</h2>
        <div className={ui.formGrid}>
          <BindingFields value={binding} onChange={setBinding} error={error} />
          <Field label="Label (optional)">
            {(p) => (
              <input {...p} className={ui.input} value={label} onChange={(e) => setLabel(e.target.value)} />
            )}
          </Field>
        </div>
        <div>
          <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={create.isPending}>
            Create API key
          </button>
        </div>
        {create.data && (
          <div className={ui.stack} role="status">
            <p className={`${ui.banner} ${ui.bannerWarn}`} style={{ margin: 0 }}>
              Copy this key now: it is not shown again. Use it as{' '}
              <code>Authorization: Bearer &lt;key&gt;</code>.
            </p>
            <UrlBox url={create.data.key} label="New API key" />
          </div>
        )}
      </form>
      <Loaded query={keys} what="Keys could not be loaded">
        {(page) => (
          <DataTable caption="API keys" columns={columns} data={page.data} empty={<p>No API keys yet.</p>} />
        )}
      </Loaded>
    </Page>
  );
}
