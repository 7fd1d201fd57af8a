// The checkpointer thread must work wherever the server is started from: it loads better-sqlite3
// by the path this package resolves, not by name from the working directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tw-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('checkpoints the WAL in the background when started from a directory without node_modules', () => {
  const script = join(dir, 'probe.mts'); // .mts: ESM outside any package.json
  writeFileSync(
    script,
    `import { statSync } from 'node:fs';
import { openStore } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/db/store.ts')).href)};
import { sqliteHandleOf } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/db/driver-handles.ts')).href)};
const path = ${JSON.stringify(join(dir, 'probe.sqlite'))};
const store = openStore({ sqlitePath: path, onCheckpointerError: (e) => console.log('checkpointer error: ' + e.message) });
const sqlite = sqliteHandleOf(store);
sqlite.exec('create table t (v text)');
const insert = sqlite.prepare('insert into t values (?)');
sqlite.transaction(() => { for (let i = 0; i < 2000; i++) insert.run('x'.repeat(200)); })();
const before = statSync(path).size;
await new Promise((r) => setTimeout(r, 1500));
console.log(JSON.stringify({ before, after: statSync(path).size }));
await store.close();
`,
  );
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/run-ts.js'), script], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(run.stderr).toBe('');
  const lines = run.stdout.trim().split('\n');
  expect(lines.filter((l) => l.startsWith('checkpointer error'))).toEqual([]);
  const { before, after } = JSON.parse(lines[lines.length - 1]);
  // 2 000 rows of 200 bytes sit in the WAL until a checkpoint copies them into the database file.
  expect(before).toBeLessThan(100_000);
  expect(after).toBeGreaterThan(400_000);
});
