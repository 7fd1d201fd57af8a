// An open-loop, fixed-rate HTTP/1.1 load generator, in the spirit of wrk2: request i is due i/rate
// seconds after the start, and its latency is counted from that intended time, so a server stall
// counts against every request it delays (see bench/pacer/pacer.c, which does the sending).
import { spawn } from 'node:child_process';
import { pacerBinary } from './pacer-build.ts';

export interface PacedLoadOptions {
  url: string;
  /** Requests per second, all connections together. */
  rate: number;
  seconds: number;
  /** Request paths (with query), cycled in order. */
  paths: string[];
  /** Open connections; a due request waits when all of them have one in flight. Default 64. */
  connections?: number;
}

export interface PacedLoadResult {
  /** Requests actually sent per second (below the asked rate when the server could not keep up). */
  rate: number;
  /** Requests sent. */
  requests: number;
  /** Latency percentiles of the answered requests, in ms, from intended send time to full answer. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /**
   * Answers by status class, plus "errors": requests whose connection closed or failed while they
   * were in flight, unparsable answers, requests still unanswered (or unsent) 10 s after the last
   * intended send, and failed reconnects.
   */
  answers: { '2xx': number; '3xx': number; '4xx': number; '5xx': number; errors: number };
  /** Requests written more than 1 ms after their intended time: every connection was busy. */
  lateSends: number;
}

/** Sends `rate` requests per second for `seconds`, evenly spaced, and reports their latencies. */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const { rate, seconds, paths } = options;
  if (!(rate > 0) || !(seconds > 0) || paths.length === 0)
    throw new Error('paced load needs a positive rate and duration and at least one path');
  if (paths.some((path) => /\s/.test(path))) throw new Error('paced load paths must not hold white space');
  const url = new URL(options.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its brackets
  const connections = options.connections ?? 64;
  const args = ['run', host, url.port || '80', url.host, String(rate), String(seconds), String(connections)];
  const child = spawn(pacerBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(`${paths.join('\n')}\n`);
  const code = await exited;
  if (code !== 0) throw new Error(`paced load generator failed (exit ${code}): ${stderr.trim()}`);
  return JSON.parse(stdout) as PacedLoadResult;
}
