#!/usr/bin/env node
// Builds the dashboard (web/ → web/dist) with Vite. With --if-stale it builds only when web/dist is
// missing or older than a source file, so `npm start` on a fresh clone serves the dashboard, and an
// installed package (which ships web/dist without web/src) never tries to build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const built = join(web, 'dist', 'index.html');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-stale')) {
  if (!existsSync(join(web, 'src'))) process.exit(0);
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(web)) process.exit(0);
  console.log('Building the dashboard (web/ → web/dist)…');
}
// A test runner's NODE_ENV=test would otherwise make Vite bundle React's development build.
process.env.NODE_ENV = 'production';
const { build } = await import('vite');
await build({ configFile: join(web, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
