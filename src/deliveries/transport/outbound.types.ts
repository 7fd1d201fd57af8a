// The contract between the delivery engine and the HTTP transport that carries one attempt.
import type { AttemptErrorClass } from '../delivery.table.ts';
import type { LookupAll } from './address-policy.ts';

export interface OutboundRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Whole-attempt deadline in ms (connect + send + response). */
  timeoutMs: number;
}

export interface AttemptResult {
  /** 0 when no HTTP answer came (timeout, DNS, refused address…). */
  statusCode: number;
  /** At most maxResponseBytes of the body, decoded as UTF-8. */
  responseExcerpt: string;
  responseTruncated: boolean;
  durationMs: number;
  /** null on any HTTP answer that is 2xx; 'http' on a non-2xx answer. */
  errorClass: AttemptErrorClass;
  errorMessage: string | null;
  /** Parsed Retry-After (seconds or HTTP date), in ms from now, when the receiver sent one. */
  retryAfterMs?: number;
  /** The Location header of a 3xx answer (recorded, never followed). */
  location?: string;
  /** Ad platforms: the platform's id of the request, kept on the attempt. */
  traceId?: string | null;
}

export interface Sender {
  send(request: OutboundRequest): Promise<AttemptResult>;
  close(): Promise<void>;
}

export interface SenderOptions {
  /** Let loopback/private targets through (local development and tests). */
  allowPrivateTargets: boolean;
  /** Hostnames or CIDRs allowed even though they are private. */
  allowedTargets: readonly string[];
  userAgent: string;
  /** Default 20 KB. */
  maxResponseBytes?: number;
  /** Per-origin keep-alive connections. */
  connectionsPerOrigin?: number;
  /** Connect deadline in ms (default 5 000; never longer than the attempt's timeoutMs). */
  connectTimeoutMs?: number;
  /**
   * dns.lookup-compatible resolver called as lookup(host, { all: true }, cb); defaults to
   * dns.lookup. Tests inject a hostile resolver here to prove the connect-time SSRF guard.
   */
  lookup?: LookupAll;
}

/** What the engine does after an attempt. */
export type AttemptVerdict =
  | { kind: 'succeeded' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'disable'; reason: string }
  /** Taken by an ad platform that reports its outcome later (Google Data Manager): checked, then settled. */
  | { kind: 'awaiting'; requestId: string; checkAt: number; resendAt: number };
