// One saturating load run with wrk (Debian's `wrk`), reduced to the figures the report needs.
//
// wrk, not autocannon: on two cores the load generator competes with the server under test for
// CPU, and wrk, in C, costs a fraction of what autocannon does per request; a heavier generator
// takes the core a second API process would use and holds the bare reference server below what it
// can do. One thread (-t1), so it takes at most one core.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface LoadResult {
  rps: number;
  /** Answers received (complete responses). */
  requests: number;
  /** Answers by status class: "2xx", "3xx", "4xx", "5xx", plus "errors" (socket) and "timeouts". */
  answers: Record<string, number>;
}

/** Connections the load generator keeps open unless told otherwise. */
export const LOAD_CONNECTIONS = 32;

export interface LoadOptions {
  url: string;
  seconds: number;
  connections?: number;
  /** The paths (and queries) to request, in order, round and round. */
  paths: readonly string[];
  /**
   * Each path at most once (new conversions must not repeat). The run fails when it could have
   * used them all: a path sent but not answered by the end is not counted, so give a margin.
   */
  once?: boolean;
}

// Counts answers by status class in the one thread and prints them with the socket errors when
// the run ends. The paths are read from a file (a Lua table literal of 100 000 strings is too
// large for LuaJIT to compile).
const SCRIPT = `
local paths = {}
for line in io.lines(PATHS_FILE) do paths[#paths + 1] = line end
local next_path = 0
counts = { 0, 0, 0, 0, 0 }
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end
function response(status)
  local class = math.floor(status / 100)
  if class >= 1 and class <= 5 then counts[class] = counts[class] + 1 end
end
function done(summary)
  local total = { 0, 0, 0, 0, 0 }
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k = 1, 5 do total[k] = total[k] + c[k] end
  end
  local e = summary.errors
  io.write(string.format("TRACKWIRE_COUNTS %d %d %d %d %d %d\\n",
    total[2], total[3], total[4], total[5], e.connect + e.read + e.write, e.timeout))
end
`;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-load-'));
  try {
    const pathsFile = join(dir, 'paths.txt');
    writeFileSync(pathsFile, `${options.paths.join('\n')}\n`);
    writeFileSync(join(dir, 'load.lua'), `local PATHS_FILE = ${JSON.stringify(pathsFile)}\n${SCRIPT}`);
    const connections = options.connections ?? LOAD_CONNECTIONS;
    const { stdout } = await exec(
      'wrk',
      ['-t1', `-c${connections}`, `-d${options.seconds}s`, '-s', join(dir, 'load.lua'), options.url],
      { maxBuffer: 1 << 20 },
    ).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      throw new Error('the bench drives load with wrk: install it (Debian: apt-get install wrk)');
    });
    const counts = /TRACKWIRE_COUNTS (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout);
    const requests = /(\d+) requests in /.exec(stdout);
    if (!counts || !requests) throw new Error(`unexpected wrk output:\n${stdout}`);
    const [ok, redirect, client, server, errors, timeouts] = counts.slice(1).map(Number);
    const answered = Number(requests[1]);
    if (options.once && answered + connections >= options.paths.length) {
      throw new Error(`the load could have run out of its ${options.paths.length} once-only paths`);
    }
    return {
      rps: answered / options.seconds,
      requests: answered,
      answers: { '2xx': ok, '3xx': redirect, '4xx': client, '5xx': server, errors, timeouts },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
