#!/usr/bin/env node
// `npm run dev`: the Trackwire server on :8080 and Vite's dev server on :5173 (hot reload), which
// proxies /api, /c/, /postback and /healthz to it. Open http://localhost:5173/.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = spawn(process.execPath, [join(root, 'bin/trackwire.js'), 'serve'], { stdio: 'inherit' });
// Vite's proxy follows the server's port (PORT, default 8080).
process.env.TRACKWIRE_DEV_API ??= `http://127.0.0.1:${process.env.PORT || 8080}`;
const { createServer } = await import('vite');
const vite = await createServer({ configFile: join(root, 'web/vite.config.ts') });
await vite.listen();
vite.printUrls();
const stop = async () => {
  server.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
server.once('exit', (code) => {
  if (code) process.exit(code);
});
