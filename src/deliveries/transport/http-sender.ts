// Carries one outbound attempt over undici: keep-alive pools per origin, SSRF checked at connect
// time, no redirects, one whole-attempt deadline, a capped body. Never throws: every failure is
// an AttemptResult the engine can log and judge.
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, request } from 'undici';
import { type AddressPolicy, describeRefusal, isAddressAllowed } from './address-policy.ts';
import { classifyTransportError } from './attempt-errors.ts';
import { AddressRefusedError, createGuardedLookup } from './guarded-lookup.ts';
import type { AttemptResult, OutboundRequest, Sender, SenderOptions } from './outbound.types.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, parseRetryAfter, readCappedBody } from './response-reading.ts';

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECTIONS_PER_ORIGIN = 10;

class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
}

function createGuardedConnector(options: SenderOptions): buildConnector.connector {
  const policy: AddressPolicy = {
    allowPrivateTargets: options.allowPrivateTargets,
    allowedTargets: options.allowedTargets,
  };
  const lookup = createGuardedLookup(policy, options.lookup);
  const connect = buildConnector({
    timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    lookup: lookup as never,
  });
  return (connectOptions, callback) => {
    // net.connect skips lookup for IP literals, so those are checked here instead.
    const host = connectOptions.hostname;
    if (isIP(host) !== 0 && !isAddressAllowed(host, policy)) {
      callback(new AddressRefusedError(describeRefusal(host)), null);
      return;
    }
    connect(connectOptions, callback);
  };
}

function withUserAgent(headers: Record<string, string>, userAgent: string): Record<string, string> {
  // An explicit per-request User-Agent (an ad platform that demands one) wins over the default.
  const hasOwn = Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent');
  return hasOwn ? headers : { ...headers, 'user-agent': userAgent };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function createSender(options: SenderOptions): Sender {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    pipelining: 1,
    connect: createGuardedConnector(options),
  });

  async function send(req: OutboundRequest): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failure = (errorClass: AttemptResult['errorClass'], errorMessage: string): AttemptResult => ({
      statusCode: 0,
      responseExcerpt: '',
      responseTruncated: false,
      durationMs: elapsed(),
      errorClass,
      errorMessage,
    });

    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return failure('refused_address', 'not a valid absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return failure('refused_address', `scheme ${url.protocol} is not allowed`);
    }

    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DeadlineError(`no complete answer within ${req.timeoutMs} ms`)),
      req.timeoutMs,
    );
    try {
      const res = await request(url, {
        dispatcher: agent,
        method: req.method,
        headers: withUserAgent(req.headers, options.userAgent),
        body: req.method === 'POST' ? (req.body ?? '') : undefined,
        signal: controller.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const excerpt = await readCappedBody(res.body, maxResponseBytes);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const location =
        res.statusCode >= 300 && res.statusCode < 400 ? firstHeader(res.headers.location) : undefined;
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      return {
        statusCode: res.statusCode,
        responseExcerpt: excerpt.text,
        responseTruncated: excerpt.truncated,
        durationMs: elapsed(),
        errorClass: ok ? null : 'http',
        errorMessage: ok ? null : describeHttpStatus(res.statusCode, location),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(location === undefined ? {} : { location }),
      };
    } catch (err) {
      const reason = controller.signal.aborted ? controller.signal.reason : err;
      const { errorClass, errorMessage } = classifyTransportError(reason);
      return failure(errorClass, errorMessage);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    send,
    close: () => agent.close(),
  };
}

function describeHttpStatus(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) {
    return `HTTP ${status} redirect${location ? ` to ${location}` : ''} (redirects are not followed)`;
  }
  return `HTTP ${status}`;
}
