#!/usr/bin/env node
// The `trackwire` command. Loads the TypeScript sources through tsx (see run-ts.js).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
