// An open-loop, fixed-rate HTTP/1.1 load generator, in the spirit of wrk2.
//
// Request i is due i/rate seconds after the start, whatever happened to the requests before it, and
// its latency is counted from that intended time, not from when it was actually written. A server
// that stalls for 300 ms therefore shows ~300 ms of latency on every request that fell due during
// the stall, as real clients arriving at that rate would see; a closed-loop generator (or one that
// bursts at the start of each second) only ever sees the few requests that were in flight.
//
// Raw node:net sockets with keep-alive, one request in flight per connection, no pipelining. Bodies
// are skipped, never decoded: the generator's own cost stays small next to the server's.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

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
   * were in flight, unparsable answers, requests still unanswered (or unsent) when the run gave up
   * waiting, and failed reconnects.
   */
  answers: { '2xx': number; '3xx': number; '4xx': number; '5xx': number; errors: number };
  /** Requests written more than 1 ms after their intended time: no idle connection, or a late timer. */
  lateSends: number;
}

/** A send later than this after its intended time counts in `lateSends`. */
const LATE_MS = 1;
/** After the last intended send, how long answers may still take before they count as errors. */
const DRAIN_MS = 10_000;
/** Pause before retrying a connection that could not be opened (a server that is down). */
const RECONNECT_DELAY_MS = 100;

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

type ParserState = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailers';

/**
 * Splits a byte stream into HTTP/1.1 responses and reports each one's status once it is complete.
 * Bodies are skipped: by Content-Length, or chunk by chunk for Transfer-Encoding: chunked (node:http
 * sends `writeHead(302); end()` chunked, with just the `0\r\n\r\n` terminator). A response with
 * neither can only end when the connection closes, which a keep-alive generator cannot use: that is
 * an error. Handles answers split anywhere across chunks and several answers in one chunk.
 */
export class ResponseParser {
  private state: ParserState = 'head';
  /** Bytes of a head, chunk-size line or trailer section that is not complete yet. */
  private pending: Buffer = Buffer.alloc(0);
  /** Body (or chunk data plus its CRLF) bytes still to skip. */
  private remaining = 0;
  private status = 0;
  private keepAlive = true;
  private failed = false;

  constructor(
    private readonly onResponse: (status: number, keepAlive: boolean) => void,
    private readonly onError: (reason: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    // Usually a chunk holds whole answers and nothing is pending: no copy then.
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    let at = 0;
    while (at < data.length && !this.failed) {
      const next = this.step(data, at);
      if (next === -1) {
        // The rest is an incomplete line or head: keep it for the next chunk.
        this.pending = Buffer.from(data.subarray(at));
        return;
      }
      at = next;
    }
  }

  /** Consumes what it can of `data` from `at`; returns the new position, or -1 when it needs more. */
  private step(data: Buffer, at: number): number {
    switch (this.state) {
      case 'head': {
        const end = data.indexOf(HEADERS_END, at);
        if (end === -1) return -1;
        this.readHead(data.toString('latin1', at, end));
        return end + HEADERS_END.length;
      }
      case 'body':
      case 'chunk-data': {
        const take = Math.min(this.remaining, data.length - at);
        this.remaining -= take;
        if (this.remaining === 0) {
          if (this.state === 'body') this.complete();
          else this.state = 'chunk-size';
        }
        return at + take;
      }
      case 'chunk-size': {
        const end = data.indexOf(CRLF, at);
        if (end === -1) return -1;
        // Chunk extensions (";name=value") are allowed after the size and mean nothing here.
        const line = data.toString('latin1', at, end).split(';')[0].trim();
        const size = Number.parseInt(line, 16);
        if (!/^[0-9a-fA-F]+$/.test(line) || !Number.isSafeInteger(size)) {
          this.fail(`bad chunk size "${line}"`);
        } else if (size === 0) {
          this.state = 'trailers';
        } else {
          this.state = 'chunk-data';
          this.remaining = size + CRLF.length;
        }
        return end + CRLF.length;
      }
      case 'trailers': {
        // Usually no trailers: the last chunk is followed by a bare CRLF.
        if (data.length - at < CRLF.length) return -1;
        if (data[at] === 0x0d && data[at + 1] === 0x0a) {
          this.complete();
          return at + CRLF.length;
        }
        const end = data.indexOf(HEADERS_END, at);
        if (end === -1) return -1;
        this.complete();
        return end + HEADERS_END.length;
      }
    }
  }

  private readHead(head: string): void {
    const lines = head.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!status) {
      this.fail(`bad status line "${lines[0]}"`);
      return;
    }
    this.status = Number(status[1]);
    let contentLength = -1;
    let chunked = false;
    this.keepAlive = !lines[0].startsWith('HTTP/1.0');
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon === -1) continue;
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i]
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') contentLength = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      else if (name === 'transfer-encoding') chunked = value.split(',').pop()?.trim() === 'chunked';
      else if (name === 'connection') this.keepAlive = !/\bclose\b/.test(value);
    }
    if (this.status < 200) return; // 1xx is an interim answer: the real one follows
    if (this.status === 204 || this.status === 304) {
      this.complete(); // never a body
    } else if (chunked) {
      this.state = 'chunk-size';
    } else if (Number.isSafeInteger(contentLength) && contentLength >= 0) {
      this.remaining = contentLength;
      this.state = 'body';
      if (contentLength === 0) this.complete();
    } else {
      this.fail(`status ${this.status} without Content-Length or chunked encoding`);
    }
  }

  private complete(): void {
    this.state = 'head';
    this.remaining = 0;
    this.onResponse(this.status, this.keepAlive);
  }

  private fail(reason: string): void {
    this.failed = true;
    this.onError(reason);
  }
}

type Outcome = keyof PacedLoadResult['answers'];

function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'errors';
}

/** One keep-alive connection; `inFlight` is the index of the request it waits on, or -1. */
interface Connection {
  socket: Socket | null;
  inFlight: number;
}

/** One run: the schedule, the connections and the figures they collect. */
class PacedRun {
  private readonly host: string;
  private readonly port: number;
  private readonly requests: Buffer[];
  private readonly total: number;
  private readonly intervalMs: number;
  private readonly connections: Connection[] = [];
  private readonly idle: Connection[] = [];
  private readonly latencies: Float64Array;
  private answered = 0;
  private readonly answers: Record<Outcome, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, errors: 0 };
  private lateSends = 0;
  private running = false;
  private finished = false;
  private start = 0;
  private lastSendAt = 0;
  /** Index of the next request to send: every request below it is sent, in order (a FIFO queue). */
  private next = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private finish: () => void = () => {};

  constructor(private readonly options: PacedLoadOptions) {
    if (!(options.rate > 0) || !(options.seconds > 0) || options.paths.length === 0)
      throw new Error('paced load needs a positive rate and duration and at least one path');
    const url = new URL(options.url);
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its brackets
    this.port = Number(url.port || 80);
    // Built once: per request the generator only writes a ready buffer.
    this.requests = options.paths.map((path) =>
      Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`, 'latin1'),
    );
    this.total = Math.max(1, Math.round(options.rate * options.seconds));
    this.intervalMs = 1000 / options.rate;
    this.latencies = new Float64Array(this.total);
  }

  async run(): Promise<PacedLoadResult> {
    // Warm-up: every connection is open before the clock starts, so handshakes are not latency.
    const count = this.options.connections ?? 64;
    try {
      await Promise.all(Array.from({ length: count }, () => this.open()));
    } catch (error) {
      this.end();
      throw error;
    }
    const done = new Promise<void>((resolve) => {
      this.finish = resolve;
    });
    this.running = true;
    this.start = performance.now();
    // However stuck the server, the run ends this long after its last intended send.
    this.deadline = setTimeout(() => this.giveUp(), this.options.seconds * 1000 + DRAIN_MS);
    this.tick();
    await done;
    return this.result();
  }

  private intendedAt(index: number): number {
    return this.start + index * this.intervalMs;
  }

  /** Opens one more connection; rejects if it cannot connect. */
  private open(): Promise<void> {
    const connection: Connection = { socket: null, inFlight: -1 };
    this.connections.push(connection);
    return new Promise((resolve, reject) => {
      const socket = this.connect(connection);
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  private connect(connection: Connection): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    connection.socket = socket;
    // Events from a socket that was since replaced (or from what it sent after an unparsable
    // answer) are ignored: that is why each socket has its own parser and every callback checks.
    const current = () => connection.socket === socket;
    const parser = new ResponseParser(
      (status, keepAlive) => current() && this.onAnswer(connection, status, keepAlive),
      () => current() && this.onBroken(connection),
    );
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      if (current()) this.setIdle(connection);
    });
    socket.on('data', (chunk: Buffer) => parser.push(chunk));
    socket.on('error', () => {}); // always followed by 'close', handled there
    socket.on('close', () => current() && this.onBroken(connection, !connected));
    return socket;
  }

  /**
   * The connection is unusable (closed, failed, or sent something unparsable): its in-flight
   * request fails, and a new connection replaces it. An idle keep-alive connection that the server
   * closed is not an error in itself; a reconnect that fails is one.
   */
  private onBroken(connection: Connection, connectFailed = false): void {
    const socket = connection.socket;
    connection.socket = null;
    socket?.destroy();
    const idleAt = this.idle.indexOf(connection);
    if (idleAt !== -1) this.idle.splice(idleAt, 1);
    if (connectFailed) this.answers.errors++;
    if (connection.inFlight !== -1) this.settle(connection, 'errors');
    if (this.finished) return;
    if (connectFailed) setTimeout(() => this.finished || this.connect(connection), RECONNECT_DELAY_MS);
    else this.connect(connection);
  }

  private onAnswer(connection: Connection, status: number, keepAlive: boolean): void {
    if (connection.inFlight === -1) {
      this.onBroken(connection); // an answer nobody asked for
      return;
    }
    this.latencies[this.answered++] = performance.now() - this.intendedAt(connection.inFlight);
    this.settle(connection, outcomeOf(status));
    // The server said it closes this connection: sending on it again would race that close.
    if (keepAlive) this.setIdle(connection);
    else this.onBroken(connection);
  }

  /** Ends the in-flight request of a connection under one of the answer counters. */
  private settle(connection: Connection, outcome: Outcome): void {
    this.answers[outcome]++;
    connection.inFlight = -1;
    this.inFlight--;
    if (this.next >= this.total && this.inFlight === 0) this.end();
  }

  private setIdle(connection: Connection): void {
    if (this.finished) return;
    this.idle.push(connection);
    // A request that fell due while every connection was busy goes out now, not at the next tick.
    if (this.running) this.sendDue();
  }

  /** Sends, in order, every request whose time has come, while a connection is idle. */
  private sendDue(): void {
    const now = performance.now();
    while (this.next < this.total && this.intendedAt(this.next) <= now && this.idle.length > 0) {
      const connection = this.idle.pop()!;
      const index = this.next++;
      if (now - this.intendedAt(index) > LATE_MS) this.lateSends++;
      connection.inFlight = index;
      this.inFlight++;
      this.lastSendAt = now;
      connection.socket!.write(this.requests[index % this.requests.length]);
    }
  }

  /**
   * The clock: wakes when the next request is due, or every millisecond while due requests wait for
   * a connection. Once all are sent, the last answer (or the deadline) ends the run.
   *
   * Timers have 1 ms resolution, so a request can leave up to about a millisecond after its
   * intended time, and that wait is part of its latency (as in wrk2). It shows mostly against a
   * server that answers each batch at once (the bare reference: p50 ≈ 0.6 ms); when answers trickle
   * in, each one also sends whatever has fallen due, and the wait shrinks. Spinning on setImmediate
   * would remove it but take a whole core from the server under test.
   */
  private tick(): void {
    this.timer = undefined;
    this.sendDue();
    if (this.next >= this.total) return;
    const wait = this.intendedAt(this.next) - performance.now();
    this.timer = setTimeout(() => this.tick(), Math.max(1, Math.floor(wait)));
  }

  /** The deadline passed: whatever is unsent or unanswered counts as errors. */
  private giveUp(): void {
    this.answers.errors += this.inFlight + (this.total - this.next);
    this.end();
  }

  private end(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    for (const connection of this.connections) {
      const socket = connection.socket;
      connection.socket = null;
      socket?.destroy();
    }
    this.finish();
  }

  private result(): PacedLoadResult {
    const sorted = this.latencies.subarray(0, this.answered).sort();
    // Nearest rank: the smallest latency that at least a fraction p of the answers did not exceed.
    const at = (p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : 0);
    const elapsed = Math.max(this.options.seconds, (this.lastSendAt - this.start) / 1000);
    return {
      rate: this.next / elapsed,
      requests: this.next,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p999: at(0.999),
      max: at(1),
      answers: { ...this.answers },
      lateSends: this.lateSends,
    };
  }
}

/** Sends `rate` requests per second for `seconds`, evenly spaced, and reports their latencies. */
export function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  return new PacedRun(options).run();
}
