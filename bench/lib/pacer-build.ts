// Builds the paced load generator (bench/pacer/pacer.c) with the machine's C compiler, the same
// toolchain better-sqlite3 is built with at install. Rebuilt whenever the source is newer.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const BENCH = resolve(import.meta.dirname, '..');
const SOURCE = resolve(BENCH, 'pacer', 'pacer.c');
const BINARY = resolve(BENCH, '.build', 'pacer');

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/** The generator's path, compiled first when missing or older than its source. */
export function pacerBinary(): string {
  if (modifiedAt(BINARY) >= modifiedAt(SOURCE)) return BINARY;
  mkdirSync(resolve(BENCH, '.build'), { recursive: true });
  // Built under a temporary name and renamed, so a concurrent caller never runs half a binary.
  const partial = `${BINARY}.${process.pid}`;
  const compiler = process.env.CC || 'cc';
  try {
    execFileSync(compiler, ['-O2', '-Wall', '-o', partial, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not build the paced load generator with ${compiler}: ${stderr || String(error)}`);
  }
  renameSync(partial, BINARY);
  return BINARY;
}
