// Plain-language meaning of a receiver's answer, shown beside each attempt and after a test fire.
// Wording follows the "Receiver answers" table in the macro reference and the guides' error tables.
import type { AttemptResult } from './outbound.types.ts';

const RETRIED = 'It is retried on schedule.';

function detail(result: AttemptResult): string {
  return result.errorMessage ? ` (${result.errorMessage})` : '';
}

function explainStatus(status: number, result: AttemptResult, isTest: boolean): string {
  if (status >= 300 && status < 400) {
    const where = result.location ? ` to ${result.location}` : '';
    return `The receiver answered ${status}, a redirect${where}. Redirects are never followed, so this counts as a failure: put the final URL in the postback. ${RETRIED}`;
  }
  switch (status) {
    case 400:
      return isTest
        ? 'The receiver answered 400 Bad Request. On a test conversion this is normal when the receiver insists on real click ids: a test has none.'
        : 'The receiver answered 400 Bad Request: it rejected the parameters, often an unknown or missing click id or a misspelled macro.';
    case 401:
    case 403:
      return `The receiver answered ${status}: it refused our token or our IP address. Check the token in the postback URL and any IP allow-list on the receiver's side.`;
    case 404:
      return 'The receiver answered 404 Not Found: the path in the postback URL is wrong.';
    case 408:
      return `The receiver answered 408: it gave up waiting for the request. ${RETRIED}`;
    case 410:
      return 'The receiver answered 410 Gone: it says this endpoint no longer exists, so the postback is disabled and its deliveries are held until it is re-enabled.';
    case 426:
      return 'The receiver answered 426 Upgrade Required: it wants another protocol, most often https. Check the URL scheme.';
    case 429: {
      const hint =
        result.retryAfterMs !== undefined
          ? ` It asked us to wait ${Math.ceil(result.retryAfterMs / 1000)} s.`
          : '';
      return `The receiver answered 429 Too Many Requests: it asks us to slow down.${hint} The next attempt honours that.`;
    }
  }
  if (status >= 500) {
    return `The receiver answered ${status}: its server failed to process the postback. Check the receiver's configuration or logs. ${RETRIED}`;
  }
  return `The receiver answered ${status} and did not accept the postback.`;
}

export function explainAttempt(result: AttemptResult, context: { isTest: boolean }): string {
  if (result.errorClass === null && result.statusCode >= 200 && result.statusCode < 300) {
    return `Delivered: the receiver answered ${result.statusCode}.`;
  }
  switch (result.errorClass) {
    case 'timeout':
      return `No answer in time: the receiver is slow or unreachable${detail(result)}. ${RETRIED}`;
    case 'dns':
      return `The host name in the postback URL does not resolve${detail(result)}: check the domain. ${RETRIED}`;
    case 'connect':
      return `Could not connect to the receiver (connection refused, reset or unreachable)${detail(result)}: its server is down or a firewall blocks us. ${RETRIED}`;
    case 'tls':
      return `The secure (https) connection failed${detail(result)}: the receiver's certificate is invalid, expired or for another host. ${RETRIED}`;
    case 'refused_address':
      return `Not sent: the URL points at a private, loopback or reserved address${detail(result)}. Such targets are refused to protect this server; an operator can add it to the allowed targets.`;
    default:
      return explainStatus(result.statusCode, result, context.isTest);
  }
}
