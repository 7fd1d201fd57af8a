import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { AppError } from '../shared/errors.ts';
import { verifyPassword } from '../users/password.ts';
import { findUserByEmail } from '../users/user.repository.ts';
import { UsageError } from './keys.command.ts';
import { readNewPassword } from './read-password.ts';
import { applyUsersCommand, parseUsersArgs } from './users.command.ts';

describe('users arguments', () => {
  it('parses create and reset-password', () => {
    expect(
      parseUsersArgs(['create', '--email', 'a@b.io', '--role', 'publisher', '--publisher', '4']),
    ).toEqual({
      action: 'create',
      email: 'a@b.io',
      role: 'publisher',
      advertiserId: undefined,
      publisherId: 4,
    });
    expect(parseUsersArgs(['reset-password', '--email', 'a@b.io'])).toEqual({
      action: 'reset-password',
      email: 'a@b.io',
    });
  });
  it.each([
    [['create', '--role', 'admin']],
    [['create', '--email', 'a@b.io', '--role', 'root']],
    [['reset-password', '--email', 'a@b.io', '--role', 'admin']],
    [['delete', '--email', 'a@b.io']],
  ])('refuses %j with a usage error', (args) => {
    expect(() => parseUsersArgs(args)).toThrow(UsageError);
  });
  it('reads the first line of piped standard input as the password', async () => {
    expect(await readNewPassword(Readable.from(['s3cret pass', 'word\nignored\n']), process.stderr)).toBe(
      's3cret password',
    );
  });
});

describeEachStore('users create and reset-password', (current) => {
  it('stores a scrypt hash, never the password, and a reset changes it', async () => {
    const db = current().store.db;
    const line = await applyUsersCommand(
      db,
      { action: 'create', email: 'Ops@Example.com', role: 'admin' },
      'first password!',
      Date.now(),
    );
    expect(line).toMatch(/Created admin user #\d+ ops@example.com/);
    const user = await findUserByEmail(db, 'ops@example.com');
    expect(user?.password_hash).toMatch(/^scrypt\$/);
    expect(user?.password_hash).not.toContain('first password!');
    await applyUsersCommand(
      db,
      { action: 'reset-password', email: 'ops@example.com' },
      'second password!',
      Date.now(),
    );
    const after = await findUserByEmail(db, 'ops@example.com');
    expect(await verifyPassword('second password!', after?.password_hash ?? '')).toBe(true);
    expect(await verifyPassword('first password!', after?.password_hash ?? '')).toBe(false);
  });
  it('refuses a publisher user without its publisher, and a duplicate email', async () => {
    const db = current().store.db;
    await expect(
      applyUsersCommand(
        db,
        { action: 'create', email: 'p@example.com', role: 'publisher' },
        'long enough pw',
        1,
      ),
    ).rejects.toThrow(AppError);
    await expect(
      applyUsersCommand(
        db,
        { action: 'create', email: 'ops@example.com', role: 'admin' },
        'long enough pw',
        1,
      ),
    ).rejects.toThrow(/already exists/);
  });
});

describe('trackwire users (the real command)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-users-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  it('creates a user from a piped password', () => {
    const run = spawnSync(
      process.execPath,
      ['bin/trackwire.js', 'users', 'create', '--email', 'cli@example.com', '--role', 'admin'],
      {
        input: 'piped password 1\n',
        env: { ...process.env, TRACKWIRE_DATA_DIR: dataDir, TRACKWIRE_LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/Created admin user #1 cli@example.com/);
    expect(run.status).toBe(0);
  });
});
