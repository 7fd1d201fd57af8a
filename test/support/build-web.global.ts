// Vitest global setup: the browser tests need web/dist, so it is built when missing or stale.
import { execFileSync } from 'node:child_process';

export default function buildWebIfStale(): void {
  execFileSync(process.execPath, ['bin/build-web.js', '--if-stale'], { stdio: 'inherit' });
}
