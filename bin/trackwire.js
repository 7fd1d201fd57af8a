#!/usr/bin/env node
// The `trackwire` command: runs the compiled server in dist/ (built by `npm run build`, which
// `npm install` runs through `prepare`). Tests run the TypeScript sources through bin/run-ts.js.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('trackwire: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
await import(compiled.href);
