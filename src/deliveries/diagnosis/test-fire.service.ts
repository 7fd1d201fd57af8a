// "Test Conversion" (CIPIAI's button): fire a postback NOW with sample values and no real click,
// record the attempt, and tell the user in words what the receiver's answer means. No conversion,
// no delivery: a test must never count as, or be retried like, a real postback.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../auth/principal.ts';
import { findPublisherById } from '../../catalog/publishers/publisher.service.ts';
import { formatDatetimeUtc, formatUnixSeconds } from '../../macros/click-macro-values.ts';
import { sampleMacroValues } from '../../macros/macro-catalogue.ts';
import { loadOwnPostback } from '../../postbacks/postback.service.ts';
import type { AppContext } from '../../server/app-context.ts';
import { notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { insertAttempts } from '../delivery.repository.ts';
import type { AttemptErrorClass } from '../delivery.table.ts';
import { renderRequest } from '../prepare/delivery-request.ts';
import { TRACKWIRE_USER_AGENT } from '../prepare/user-agent.ts';
import { createSender } from '../transport/http-sender.ts';
import { explainAttempt } from '../transport/receiver-answers.ts';
import { buildAttemptRow } from '../worker/delivery-outcomes.ts';
import { fireTestPlatformEvent } from './platform-test-fire.ts';

export interface TestFireResult {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { statusCode: number; bodyExcerpt: string; truncated: boolean };
  durationMs: number;
  errorClass: AttemptErrorClass;
  explanation: string;
  warnings: string[];
}

export async function fireTestPostback(
  ctx: AppContext,
  principal: Principal,
  id: number,
): Promise<TestFireResult> {
  const postback = await loadOwnPostback(ctx, principal, id);
  if (postback.kind !== 'url') return fireTestPlatformEvent(ctx, postback);
  const publisher = await findPublisherById(ctx.store.db, postback.publisher_id);
  if (!publisher) throw notFound('publisher');
  const now = ctx.clock.now();
  const msgId = newId(now, 'test_');
  // Sample values everywhere, but the publisher's own ids and token, so a receiver that checks
  // those can accept the test; the click id stays a sample (a test has no real click).
  const values = {
    ...sampleMacroValues(),
    publisher_id: String(postback.publisher_id),
    ...(postback.offer_id !== null && { offer_id: String(postback.offer_id) }),
    ...(postback.goal !== null && { goal: postback.goal }),
    security_token: publisher.security_token,
    postback_id: msgId,
    random: randomUUID(),
    timestamp: formatUnixSeconds(now),
    datetime: formatDatetimeUtc(now),
  };
  const built = renderRequest({ postback, publisher, msgId, values }, now, TRACKWIRE_USER_AGENT);
  const sender = createSender({
    allowPrivateTargets: ctx.config.allowPrivateTargets,
    allowedTargets: ctx.config.allowedTargets,
    userAgent: TRACKWIRE_USER_AGENT,
  });
  const sent = await sender.send(built.request).finally(() => sender.close());
  const result = { ...sent, responseExcerpt: built.maskEcho(sent.responseExcerpt) };
  await insertAttempts(ctx.store.db, [
    buildAttemptRow({ id: null, postback_id: postback.id }, 'test', 1, built.recorded, result, now),
  ]);
  const warnings = [...built.warnings];
  if (/^http:\/\//i.test(built.request.url)) {
    warnings.unshift(
      'the URL uses http://: tokens and click ids travel unencrypted; use https:// where possible',
    );
  }
  return {
    request: built.recorded,
    response: {
      statusCode: result.statusCode,
      bodyExcerpt: result.responseExcerpt,
      truncated: result.responseTruncated,
    },
    durationMs: result.durationMs,
    errorClass: result.errorClass,
    explanation: explainAttempt(result, { isTest: true }),
    warnings,
  };
}
