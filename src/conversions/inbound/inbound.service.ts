// The one inbound pipeline: a parsed request (inbound-request.ts) is checked (inbound-check.ts),
// turned into the rows it writes (inbound-rows.ts), written with the hits that arrive with it in
// one group commit (inbound-recorder.ts → inbound-write.ts, batched as the store decides) and
// answered (inbound-codes.ts) only after that commit.

import type { AppContext } from '../../server/app-context.ts';
import { counters } from '../../shared/counters.ts';
import {
  type CheckResult,
  checkInboundPostback,
  createInboundDeps,
  type InboundDeps,
} from './inbound-check.ts';
import type { InboundCode, InboundResult } from './inbound-codes.ts';
import { createInboundRecorder, type InboundRecorder } from './inbound-recorder.ts';
import type { InboundRequest } from './inbound-request.ts';
import type { InboundWork } from './inbound-rows.ts';

export interface InboundPipeline {
  /** Checks and records one hit; resolves once its rows are committed. */
  ingest(request: InboundRequest): Promise<InboundResult>;
  /** Records only the log row of a hit refused before it could be checked. */
  refuse(request: InboundRequest, code: InboundCode): Promise<InboundResult>;
}

export function createInboundPipeline(
  ctx: AppContext,
  deps: InboundDeps = createInboundDeps(ctx),
  recorder: InboundRecorder = createInboundRecorder(ctx),
): InboundPipeline {
  return {
    async ingest(request) {
      const now = ctx.clock.now();
      const check: CheckResult = await checkInboundPostback(ctx, deps, request, now);
      const work: InboundWork = check.ok
        ? { request, now, prepared: check.prepared }
        : { request, now, rejected: check.code, advertiserId: check.advertiserId };
      const result = countInbound(await recorder.submit(work));
      if (check.ok || check.retryAfterSeconds === undefined) return result;
      return { ...result, retryAfterSeconds: check.retryAfterSeconds };
    },
    refuse: async (request, code) =>
      countInbound(
        await recorder.submit({ request, now: ctx.clock.now(), rejected: code, advertiserId: null }),
      ),
  };
}

function countInbound(result: InboundResult): InboundResult {
  counters.inbound.inc(result.code);
  if (result.status && (result.code === 'conversion_created' || result.code === 'status_changed'))
    counters.conversions.inc(result.status);
  return result;
}
