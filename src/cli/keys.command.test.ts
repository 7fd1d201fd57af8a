import { describe, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { findApiKeyByHash } from '../auth/api-key.repository.ts';
import { hashApiKey } from '../auth/api-key.service.ts';
import { AppError } from '../shared/errors.ts';
import { createKeyForCli, parseKeysCreateArgs, UsageError } from './keys.command.ts';

describe('keys create arguments', () => {
  it('parses role, owner and label', () => {
    expect(parseKeysCreateArgs(['--role', 'publisher', '--publisher', '7', '--label', 'ops'])).toEqual({
      role: 'publisher',
      advertiserId: undefined,
      publisherId: 7,
      label: 'ops',
    });
  });
  it.each([
    [[]],
    [['--role', 'root']],
    [['--role', 'advertiser', '--advertiser', 'x']],
    [['--role', 'admin', '--bogus']],
  ])('refuses %j with a usage error', (args) => {
    expect(() => parseKeysCreateArgs(args)).toThrow(UsageError);
  });
});

describeEachStore('keys create', (current) => {
  it('prints a new key once and stores only its hash', async () => {
    const db = current().store.db;
    const lines = await createKeyForCli(db, { role: 'admin', label: 'cli' }, Date.now());
    const key = lines.map((l) => l.trim()).find((l) => l.startsWith('tw_'));
    expect(key).toMatch(/^tw_[A-Za-z0-9_-]{43}$/);
    const row = await findApiKeyByHash(db, hashApiKey(key as string));
    expect(row).toMatchObject({
      role: 'admin',
      label: 'cli',
      key_prefix: (key as string).slice(0, 10),
      revoked_at: null,
    });
    const stored = await db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it('binds advertiser keys to an existing advertiser only', async () => {
    const db = current().store.db;
    await expect(
      createKeyForCli(db, { role: 'advertiser', advertiserId: 424242 }, Date.now()),
    ).rejects.toBeInstanceOf(AppError);
    const adv = await db
      .insertInto('advertisers')
      .values({
        name: 'K',
        postback_token: 'tok-k',
        ip_allowlist: '[]',
        status_map: '{}',
        created_at: 1,
        updated_at: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const lines = await createKeyForCli(db, { role: 'advertiser', advertiserId: adv.id }, Date.now());
    expect(lines[0]).toContain(`for advertiser ${adv.id}`);
  });
});
