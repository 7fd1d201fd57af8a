// The fake Data Manager API: events:ingest validates the request synchronously (fast-fail: one bad
// event refuses the whole request) and answers a requestId; the events are processed afterwards and
// requestStatus:retrieve reports per destination: PROCESSING for the first reads, then SUCCESS,
// FAILED or PARTIAL_SUCCESS with error counts per reason (never which event).
import { type FakeAnswer, isObject, traceId } from './fake-server.ts';
import { type GoogleFakeContext, type IngestRequest, rpcError } from './google-fake-state.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ACCOUNT_TYPES = ['GOOGLE_ADS', 'DISPLAY_VIDEO_PARTNER', 'DISPLAY_VIDEO_ADVERTISER', 'DATA_PARTNER'];
const EVENT_SOURCES = ['WEB', 'APP', 'IN_STORE', 'PHONE', 'OTHER'];
const CLICK_IDS = ['gclid', 'gbraid', 'wbraid'];

export function createDataManager({ o, fake, refuse }: GoogleFakeContext) {
  const requests = new Map<string, IngestRequest>();
  const transactionIds = new Set<string>();

  /** What asynchronous processing makes of one event: undefined when it is recorded. */
  function processingError(e: Record<string, unknown>): string | undefined {
    const ids = isObject(e.adIdentifiers) ? e.adIdentifiers : {};
    const clickId = String(ids.gclid ?? ids.gbraid ?? ids.wbraid ?? '');
    const once = fake.processingErrorsOnce.get(clickId);
    if (once) {
      fake.processingErrorsOnce.delete(clickId);
      return once;
    }
    const configured =
      fake.processingErrors.get(clickId) ?? fake.processingErrors.get(String(e.transactionId));
    if (configured) return configured;
    if (typeof ids.gclid === 'string' && !/^[A-Za-z0-9_-]+$/.test(ids.gclid))
      return 'PROCESSING_ERROR_REASON_INVALID_GCLID';
    if (e.transactionId !== undefined && transactionIds.has(String(e.transactionId)))
      return 'PROCESSING_ERROR_REASON_DUPLICATE_TRANSACTION_ID';
    return undefined;
  }

  function ingest(body: Record<string, unknown>): FakeAnswer {
    const destinations = body.destinations;
    if (!Array.isArray(destinations) || destinations.length === 0)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'destinations is required'));
    for (const d of destinations) {
      const acc = isObject(d) ? d.operatingAccount : undefined;
      if (
        !isObject(acc) ||
        !ACCOUNT_TYPES.includes(String(acc.accountType)) ||
        !/^\d{10}$/.test(String(acc.accountId))
      )
        return refuse(rpcError(400, 'INVALID_ARGUMENT', 'destinations.operatingAccount is invalid'));
      if (acc.accountId !== o.customerId)
        return refuse(rpcError(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
      if (String(d.productDestinationId) !== o.conversionActionId)
        return refuse(
          rpcError(
            400,
            'INVALID_ARGUMENT',
            `productDestinationId ${String(d.productDestinationId)} is not a conversion action of this account`,
          ),
        );
    }
    const events = body.events;
    if (!Array.isArray(events) || events.length === 0)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'events is required'));
    if (events.length > 2000)
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'at most 2000 events per request'));
    if (body.encoding !== undefined && !['HEX', 'BASE64'].includes(String(body.encoding)))
      return refuse(rpcError(400, 'INVALID_ARGUMENT', 'encoding must be HEX or BASE64'));
    for (const [i, e] of events.entries()) {
      const bad = (m: string) => refuse(rpcError(400, 'INVALID_ARGUMENT', `events[${i}]: ${m}`));
      if (!isObject(e)) return bad('not an object');
      if (typeof e.eventTimestamp !== 'string' || !RFC3339.test(e.eventTimestamp))
        return bad('eventTimestamp must be RFC 3339');
      if (e.adIdentifiers !== undefined) {
        const ids = isObject(e.adIdentifiers)
          ? Object.keys(e.adIdentifiers).filter((k) => CLICK_IDS.includes(k))
          : [];
        if (ids.length !== 1) return bad('adIdentifiers must hold exactly one of gclid, gbraid, wbraid');
      }
      if (e.currency !== undefined && !/^[A-Z]{3}$/.test(String(e.currency)))
        return bad('currency must be ISO 4217');
      if (e.eventSource !== undefined && !EVENT_SOURCES.includes(String(e.eventSource)))
        return bad('eventSource is not valid');
    }
    // validateOnly checks the request and issues no requestId: nothing is processed.
    if (body.validateOnly === true) {
      fake.validated += events.length;
      return { status: 200, body: {} };
    }
    const errors = new Map<string, number>();
    for (const e of events as Array<Record<string, unknown>>) {
      fake.events.push(e);
      const reason = processingError(e);
      if (reason) errors.set(reason, (errors.get(reason) ?? 0) + 1);
      else if (e.transactionId !== undefined) transactionIds.add(String(e.transactionId));
    }
    const requestId = traceId('dm');
    requests.set(requestId, {
      pollsLeft: fake.processingPolls,
      destination: destinations[0] as Record<string, unknown>,
      recordCount: events.length,
      errors,
    });
    return { status: 200, body: { requestId } };
  }

  function retrieveStatus(requestId: string | null): FakeAnswer {
    if (!requestId) return refuse(rpcError(400, 'INVALID_ARGUMENT', 'requestId is required'));
    fake.statusReads.push(requestId);
    const request = requests.get(requestId);
    if (!request) return rpcError(404, 'NOT_FOUND', `Request ${requestId} was not found.`);
    const processing = request.pollsLeft > 0;
    request.pollsLeft -= 1;
    const failed = [...request.errors.values()].reduce((n, c) => n + c, 0);
    const status = processing
      ? 'PROCESSING'
      : failed === 0
        ? 'SUCCESS'
        : failed === request.recordCount
          ? 'FAILED'
          : 'PARTIAL_SUCCESS';
    return {
      status: 200,
      body: {
        requestStatusPerDestination: [
          {
            destination: request.destination,
            requestStatus: status,
            ...(!processing &&
              failed > 0 && {
                errorInfo: {
                  errorCounts: [...request.errors].map(([reason, n]) => ({ recordCount: String(n), reason })),
                },
              }),
            eventsIngestionStatus: { recordCount: String(request.recordCount) },
          },
        ],
      },
    };
  }

  /** Google no longer knows any request issued so far (its status answers NOT_FOUND). */
  const forgetRequests = () => requests.clear();

  return { ingest, retrieveStatus, forgetRequests };
}
