// The CLI and the server, given the same environment, use the same store: a key the CLI creates
// authenticates against a server started with that environment.
import { expect, it } from 'vitest';
import { freePort, runTrackwire, spawnTrackwire, useSharedStore, waitFor } from '../support/processes.ts';
import { describeEachStore } from '../support/stores.ts';

describeEachStore('CLI and server share one store', (current) => {
  const sharedStore = useSharedStore(current, 'trackwire-cli-store-');

  it('a key made by `keys create` opens the admin API of a server on the same environment', {
    timeout: 60_000,
  }, async () => {
    const env = sharedStore().env;
    const migrated = await runTrackwire(['migrate'], env);
    expect(migrated.code, migrated.output).toBe(0);
    const created = await runTrackwire(['keys', 'create', '--role', 'admin', '--label', 'cli'], env);
    expect(created.code, created.output).toBe(0);
    const key = /\b(tw_[A-Za-z0-9_-]{43})\b/.exec(created.output)?.[1];
    expect(key, created.output).toBeDefined();

    const port = await freePort();
    const server = spawnTrackwire('serve', { ...env, PORT: String(port), TRACKWIRE_ROLE: 'api' });
    sharedStore().children.push(server);
    const url = `http://127.0.0.1:${port}/api/v1/keys`;
    await waitFor('the server to answer', async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false;
      }
    });
    const listed = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { data: { label: string | null }[] };
    expect(body.data.map((k) => k.label)).toContain('cli');
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${key}x` } });
    expect(wrong.status).toBe(401);
  });
});
