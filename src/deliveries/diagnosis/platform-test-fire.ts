// "Test conversion" of an ad-platform destination: one sample event in the platform's test mode
// (Meta and TikTok: test_event_code; Google: validateOnly), recorded as a test attempt, with the
// platform's answer in plain words. Nothing is counted by the platform as a conversion.
import { isPlatformKind, parseEventMap } from '../../integrations/common/destination-settings.ts';
import type { ConversionFacts } from '../../integrations/common/platform.types.ts';
import { DESTINATIONS } from '../../integrations/destinations.ts';
import type { PostbackRow } from '../../postbacks/postback.table.ts';
import type { AppContext } from '../../server/app-context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { insertAttempts } from '../delivery.repository.ts';
import { TRACKWIRE_USER_AGENT } from '../prepare/user-agent.ts';
import { buildAttemptRow } from '../worker/delivery-outcomes.ts';
import {
  attemptResultOf,
  createPlatformDeps,
  openDestination,
  platformPost,
  recordedRequestOf,
} from '../worker/platform-attempt.ts';
import type { TestFireResult } from './test-fire.service.ts';

const ADVICE = {
  token: 'The platform refused the credentials: paste a fresh token (or refresh token) into the destination.',
  failed: 'The platform refused the event: check the ids in the destination settings.',
  retry:
    'The platform could not take it right now; real conversions would be retried. Try again in a minute.',
};

function sampleFacts(id: string, eventName: string, now: number): ConversionFacts {
  return {
    deliveryId: id,
    conversionId: id,
    eventName,
    value: 1,
    currency: 'USD',
    occurredAt: now,
    landingUrl: 'https://example.com/',
    click: {
      createdAt: now - 60_000,
      ip: '203.0.113.10',
      userAgent: TRACKWIRE_USER_AGENT,
      referrer: null,
      externalId: 'trackwire-test-user',
      fbclid: 'TrackwireTestFbclid',
      fbp: null,
      ttclid: 'E.C.P.TrackwireTest',
      gclid: 'TrackwireTestGclid',
      gbraid: null,
      wbraid: null,
    },
  };
}

export async function fireTestPlatformEvent(ctx: AppContext, postback: PostbackRow): Promise<TestFireResult> {
  const kind = postback.kind;
  if (!isPlatformKind(kind)) throw new AppError('validation_failed', 'not an ad-platform postback');
  const destination = DESTINATIONS[kind];
  const opened = openDestination({ postback } as Parameters<typeof openDestination>[0], ctx.config.secretKey);
  if ('error' in opened) throw new AppError('secret_key_missing', `destination credentials: ${opened.error}`);
  if (kind !== 'google_ads' && !opened.settings.testEventCode) {
    throw new AppError(
      'validation_failed',
      `destination.testEventCode: set the test code shown in ${destination.label}'s test events screen; without it the test would count as a real conversion`,
    );
  }
  const now = ctx.clock.now();
  const id = newId(now, 'test_');
  const map = parseEventMap(postback.event_map);
  const eventName = (map.find((e) => e.status === 'approved') ?? map[0])?.event ?? 'Purchase';
  const built = destination.build(sampleFacts(id, eventName, now), opened.settings, now);
  if ('skip' in built) throw new AppError('validation_failed', built.skip);
  const platform = createPlatformDeps(ctx.config, TRACKWIRE_USER_AGENT);
  const started = Date.now();
  const sent = await destination
    .send([built.event], opened.settings, opened.secrets, {
      endpoints: platform.endpoints,
      post: platformPost(platform.sender, platform.timeoutMs),
      now,
      test: true,
    })
    .finally(() => platform.sender.close());
  const row = sent.answer.rows[0];
  const result = attemptResultOf(sent, 0, Date.now() - started);
  const recorded = recordedRequestOf(sent, 0);
  await insertAttempts(ctx.store.db, [
    buildAttemptRow({ id: null, postback_id: postback.id }, 'test', 1, recorded, result, now),
  ]);
  const where =
    kind === 'google_ads'
      ? 'Google validated it without recording a conversion (validateOnly).'
      : `Look for it under Test events with code ${opened.settings.testEventCode} in ${destination.label}'s Events Manager.`;
  return {
    request: recorded,
    response: {
      statusCode: result.statusCode,
      bodyExcerpt: result.responseExcerpt,
      truncated: result.responseTruncated,
    },
    durationMs: result.durationMs,
    errorClass: result.errorClass,
    explanation: row.ok ? `${sent.answer.summary}. ${where}` : `${row.message}. ${ADVICE[row.kind]}`,
    warnings: [],
  };
}
