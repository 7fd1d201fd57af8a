// What the ad-platform fakes share: a loopback HTTP server, body reading, and switchable failures
// ("the next n requests fail transiently / are rate limited / see the token refused").
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** invalid: the platform's validation error, as a malformed field would get (a permanent error). */
export type FailureMode = 'transient' | 'rate_limit' | 'bad_token' | 'invalid';

export interface FakeControls {
  url: string;
  /** The next `times` requests answer with `mode` instead of being processed. */
  failNext(mode: FailureMode, times?: number): void;
  /** Every answer leaves this long after its request arrived (the bench's 50 ms platform). */
  latencyMs: number;
  requests: number;
  /** When each request arrived (ms), in order. */
  arrivals: number[];
  /** How long reading and validating each request took (ms), in order. */
  handlingMs: number[];
  close(): Promise<void>;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeAnswer = { status: number; body: unknown };

export async function startFakeServer(
  /** `takeFailure` hands out the next switched-on failure; a handler calls it only for requests it applies to. */
  handle: (req: FakeRequest, takeFailure: () => FailureMode | undefined) => FakeAnswer,
): Promise<FakeControls> {
  const failures: FailureMode[] = [];
  const controls: FakeControls = {
    url: '',
    latencyMs: 0,
    requests: 0,
    arrivals: [],
    handlingMs: [],
    failNext(mode, times = 1) {
      for (let i = 0; i < times; i++) failures.push(mode);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = performance.now();
      controls.requests += 1;
      controls.arrivals.push(Date.now());
      const url = new URL(req.url ?? '/', 'http://fake');
      const answer = handle(
        {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        },
        () => failures.shift(),
      );
      controls.handlingMs.push(performance.now() - arrived);
      const reply = () => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      };
      // The platform answers `latencyMs` after the request arrived: its own validation is part of that time.
      const wait = controls.latencyMs - (performance.now() - arrived);
      if (wait > 0) setTimeout(reply, wait);
      else reply();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  controls.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return controls;
}

/** A fake of an events API (Meta, TikTok): what it accepted, in test mode or not, and what it refused. */
export interface EventFake extends FakeControls {
  events: Array<Record<string, unknown>>;
  testEvents: Array<{ code: string; event: Record<string, unknown> }>;
  /** Requests refused, with the platform's message. */
  refusals: string[];
}

/** What an events API's handler does with a request it has read: refuse it, or take its events. */
export interface EventDesk {
  /** Notes the platform's message of a refusal and returns the answer. */
  refuse(answer: FakeAnswer): FakeAnswer;
  /**
   * The request's `data` list checked as the platform checks it (a non-empty list of at most `max`
   * events, each passing `check`; one bad event refuses the whole request), then kept under its
   * test code or as real events. Returns the refusal, or undefined when the events were taken.
   */
  take(
    data: unknown,
    testCode: unknown,
    rules: {
      max: number;
      /** The platform's answer to a missing, empty or over-long list. */
      badList(tooMany: boolean): FakeAnswer;
      check(event: unknown): FakeAnswer | undefined;
    },
  ): FakeAnswer | undefined;
}

export async function startEventFake(
  /** The platform's message in one of its refusals. */
  messageOf: (answer: FakeAnswer) => string,
  handle: (req: FakeRequest, takeFailure: () => FailureMode | undefined, desk: EventDesk) => FakeAnswer,
): Promise<EventFake> {
  const kept = {
    events: [] as EventFake['events'],
    testEvents: [] as EventFake['testEvents'],
    refusals: [] as string[],
  };
  const desk: EventDesk = {
    refuse(answer) {
      kept.refusals.push(messageOf(answer));
      return answer;
    },
    take(data, testCode, rules) {
      if (!Array.isArray(data) || data.length === 0 || data.length > rules.max)
        return desk.refuse(rules.badList(Array.isArray(data) && data.length > rules.max));
      for (const event of data) {
        const problem = rules.check(event);
        if (problem) return desk.refuse(problem);
      }
      for (const event of data) {
        if (typeof testCode === 'string') kept.testEvents.push({ code: testCode, event });
        else kept.events.push(event);
      }
      return undefined;
    },
  };
  const controls = await startFakeServer((req, takeFailure) => handle(req, takeFailure, desk));
  return Object.assign(controls, kept);
}

export const HEX64 = /^[a-f0-9]{64}$/;
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value that may be a string or a list of strings, as the platforms accept for hashed fields. */
export function stringsOf(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

let traceSeq = 0;
export const traceId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(traceSeq++).toString(36)}`;
