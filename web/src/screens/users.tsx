// Users: invite by link (no email server needed), list with roles, disable.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { type Binding, BindingFields, bindingBody } from '../components/binding-fields';
import { type Column, DataTable } from '../components/data-table';
import { ConfirmButton } from '../components/dialogs';
import { Field, Loaded, Page, Time, UrlBox, ui } from '../components/ui';
import { ApiError, api, get, plainMessage } from '../lib/api';
import { boundTo } from '../lib/format';
import type { Page as ApiPage, User } from '../lib/types';

const appRoute = getRouteApi('/app');

export function UsersScreen() {
  const { user: me } = appRoute.useRouteContext();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<ApiPage<User>>('/users?limit=500') });
  const [email, setEmail] = useState('');
  const [binding, setBinding] = useState<Binding>({ role: 'publisher', ownerId: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const invite = useMutation({
    mutationFn: () =>
      api<{ url: string; email: string; expiresAt: number }>('POST', '/invites', {
        email,
        ...bindingBody(binding),
      }),
    onError: (e) =>
      setErrors({ [e instanceof ApiError && e.field === 'email' ? 'email' : 'form']: plainMessage(e) }),
  });
  const disable = useMutation({
    mutationFn: (id: number) => api('DELETE', `/users/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
      found.email = 'Enter an address like name@example.com.';
    if (binding.role !== 'admin' && !binding.ownerId)
      found.owner = `Choose the ${binding.role} this user belongs to.`;
    setErrors(found);
    if (Object.keys(found).length === 0) invite.mutate();
  }
  const columns: Column<User>[] = [
    { header: 'Email', accessorKey: 'email' },
    { header: 'Role', accessorKey: 'role' },
    {
      header: 'Bound to',
      cell: (c) => boundTo(c.row.original),
    },
    { header: 'Created', accessorKey: 'createdAt', cell: (c) => <Time ms={c.row.original.createdAt} /> },
    {
      header: 'State',
      cell: (c) =>
        c.row.original.disabledAt ? (
          'disabled'
        ) : c.row.original.id === me.id ? (
          'you'
        ) : (
          <ConfirmButton
            label={`Disable ${c.row.original.email}`}
            title="Disable this user?"
            description="They are signed out everywhere at once and cannot sign in again."
            confirmLabel="Disable user"
            danger
            onConfirm={() => disable.mutate(c.row.original.id)}
          />
        ),
    },
  ];
  return (
    <Page title="Users" lede="People who sign in to this dashboard, and their roles.">
      <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
        <h2>Invite a user</h2>
        <div className={ui.formGrid}>
          <Field label="Email" error={errors.email}>
            {(p) => (
              <input
                {...p}
                type="email"
                className={ui.input}
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <BindingFields value={binding} onChange={setBinding} error={errors.owner} />
        </div>
        {errors.form && (
          <p className={ui.error} role="alert">
            {errors.form}
          </p>
        )}
        <div>
          <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={invite.isPending}>
            Create invite link
          </button>
        </div>
        {invite.data && (
          <div className={ui.stack} role="status">
            <p className={ui.help} style={{ margin: 0 }}>
              Send this one-time link to {invite.data.email}. It works until{' '}
              <Time ms={invite.data.expiresAt} />.
            </p>
            <UrlBox url={invite.data.url} label="Invite link" />
          </div>
        )}
      </form>
      <Loaded query={users} what="Users could not be loaded">
        {(page) => (
          <DataTable caption="Users" columns={columns} data={page.data} empty={<p>No users yet.</p>} />
        )}
      </Loaded>
    </Page>
  );
}
