// The one-time links: first-run setup (choose the first admin's email and password) and invites
// (the email is fixed by the admin who invited).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import l from '../components/layout.module.css';
import { ErrorBanner, Field, Skeleton, ui } from '../components/ui';
import { ApiError, api, get, plainMessage } from '../lib/api';
import { adoptSession, type Session } from '../lib/session';

interface LinkInfo {
  kind: 'setup' | 'invite';
  email: string | null;
  role: string;
  expiresAt: number;
}

function AcceptLink(props: { token: string; kind: 'setup' | 'invite' }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const info = useQuery({
    queryKey: ['user-link', props.token],
    queryFn: () => get<LinkInfo>(`/user-links/${encodeURIComponent(props.token)}`),
    enabled: props.token !== '',
  });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const title = props.kind === 'setup' ? 'Create the first admin' : 'Accept your invitation';
  useEffect(() => {
    document.title = `${title} · Trackwire`;
  }, [title]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password !== repeat) {
      setErrors({ repeat: 'The two passwords differ.' });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const body = info.data?.email ? { password } : { email, password };
      const session = adoptSession(
        await api<Session>('POST', `/user-links/${encodeURIComponent(props.token)}/accept`, body),
      );
      queryClient.setQueryData(['session'], session);
      await navigate({ to: '/' });
    } catch (caught) {
      const field = caught instanceof ApiError && caught.field ? caught.field : 'form';
      setErrors({ [field]: plainMessage(caught) });
      setBusy(false);
    }
  }

  let content: ReactNode;
  if (!props.token)
    content = <ErrorBanner error={new Error('This link has no token. Copy the whole link.')} />;
  else if (info.error) content = <ErrorBanner error={info.error} onRetry={() => info.refetch()} />;
  else if (!info.data) content = <Skeleton />;
  else
    content = (
      <>
        {info.data.email ? (
          <p style={{ margin: 0 }}>
            You were invited as <strong>{info.data.email}</strong> ({info.data.role}). Choose a password.
          </p>
        ) : (
          <Field label="Email" error={errors.email}>
            {(p) => (
              <input
                {...p}
                className={ui.input}
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
        )}
        <Field label="Password" help="At least 10 characters." error={errors.password}>
          {(p) => (
            <input
              {...p}
              className={ui.input}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field label="Repeat password" error={errors.repeat}>
          {(p) => (
            <input
              {...p}
              className={ui.input}
              type="password"
              autoComplete="new-password"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          )}
        </Field>
        {errors.form && (
          <p className={ui.error} role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={busy}>
          {props.kind === 'setup' ? 'Create admin account' : 'Accept invitation'}
        </button>
      </>
    );

  return (
    <main className={l.center}>
      <form className={`${ui.card} ${ui.stack} ${l.authCard}`} onSubmit={submit} noValidate>
        <h1>{title}</h1>
        {content}
      </form>
    </main>
  );
}

const setupRoute = getRouteApi('/setup');
const inviteRoute = getRouteApi('/invite');

export function SetupScreen() {
  return <AcceptLink token={setupRoute.useSearch().token} kind="setup" />;
}

export function InviteScreen() {
  return <AcceptLink token={inviteRoute.useSearch().token} kind="invite" />;
}
