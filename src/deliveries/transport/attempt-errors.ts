// Maps whatever node/undici threw into the closed error-class set the attempt log stores.
import type { AttemptErrorClass } from '../delivery.table.ts';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO)/;

export interface ClassifiedError {
  errorClass: Exclude<AttemptErrorClass, null | 'http'>;
  errorMessage: string;
}

/** The error and its causes, outermost first (undici wraps socket errors). */
function causeChain(err: unknown): Array<{ code?: string; name?: string; message?: string }> {
  const chain: Array<{ code?: string; name?: string; message?: string }> = [];
  let current: unknown = err;
  while (current && typeof current === 'object' && chain.length < 5) {
    chain.push(current as { code?: string });
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

export function classifyTransportError(err: unknown): ClassifiedError {
  const chain = causeChain(err);
  const codes = chain.map((e) => String(e.code ?? ''));
  const innermost = chain[chain.length - 1] ?? {};
  const detail = [innermost.code, innermost.message].filter(Boolean).join(': ') || String(err);
  const has = (test: (code: string) => boolean) => codes.some(test);
  if (has((c) => c === 'ERR_ADDRESS_REFUSED')) return { errorClass: 'refused_address', errorMessage: detail };
  if (has((c) => TIMEOUT_CODES.has(c)) || chain.some((e) => e.name === 'TimeoutError')) {
    return { errorClass: 'timeout', errorMessage: detail };
  }
  if (has((c) => DNS_CODES.has(c))) return { errorClass: 'dns', errorMessage: detail };
  if (has((c) => TLS_CODE.test(c))) return { errorClass: 'tls', errorMessage: detail };
  return { errorClass: 'connect', errorMessage: detail };
}
