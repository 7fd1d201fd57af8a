// Sign in with email and password; shows the server's plain-words refusal (wrong password, throttled).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import l from '../components/layout.module.css';
import { Field, ui } from '../components/ui';
import { api, get, plainMessage } from '../lib/api';
import { adoptSession, type Session } from '../lib/session';

const route = getRouteApi('/signin');

export function SignInScreen() {
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const status = useQuery({
    queryKey: ['setup-status'],
    queryFn: () => get<{ hasUsers: boolean }>('/setup-status'),
  });
  useEffect(() => {
    document.title = 'Sign in · Trackwire';
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = adoptSession(await api<Session>('POST', '/session', { email, password }));
      queryClient.setQueryData(['session'], session);
      const target = redirect?.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
      await navigate({ to: target });
    } catch (caught) {
      setError(plainMessage(caught));
      setBusy(false);
    }
  }

  return (
    <main className={l.center}>
      <form className={`${ui.card} ${ui.stack} ${l.authCard}`} onSubmit={submit} noValidate>
        <h1>Sign in to Trackwire</h1>
        {status.data && !status.data.hasUsers && (
          <p className={`${ui.banner} ${ui.bannerWarn}`} style={{ margin: 0 }}>
            No account exists yet. Open the one-time setup link printed when Trackwire started, or run{' '}
            <code>trackwire users create --email you@example.com --role admin</code>.
          </p>
        )}
        <Field label="Email">
          {(p) => (
            <input
              {...p}
              className={ui.input}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password">
          {(p) => (
            <input
              {...p}
              className={ui.input}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        {error && (
          <p className={ui.error} role="alert">
            {error}
          </p>
        )}
        <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
