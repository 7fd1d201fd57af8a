// One JSON request carrying a batch of events under `data`, as Meta and TikTok take them: the
// envelope's fields, then `data`. Each event is serialised once; the batch body and every event's
// recorded body (the envelope with that one event) are put together from the same text.
import {
  answerOf,
  type BatchAnswer,
  type PlatformResponse,
  type SendContext,
  type SentBatch,
} from './platform.types.ts';

export interface JsonBatch {
  /** The platform's name in messages ("Meta"). */
  platform: string;
  /** Where the request goes (it may carry a secret in its query). */
  url: string;
  /** The URL as recorded on attempts, secrets replaced. */
  recordedUrl: string;
  /** Headers as recorded; `secretHeaders` are added to the request only. */
  headers: Record<string, string>;
  secretHeaders?: Record<string, string>;
  /** The request's fields besides `data`. */
  envelope: Record<string, unknown>;
  events: readonly unknown[];
  /** Whether an answer's body is the platform's own envelope (then `read` decides, whatever the status). */
  ownEnvelope(body: Record<string, unknown> | undefined): boolean;
  read(response: PlatformResponse, count: number): BatchAnswer;
}

/** `{...envelope, "data": [items]}` from the envelope's JSON and the items' joined JSON. */
function withData(envelopeJson: string, items: string): string {
  const head = envelopeJson === '{}' ? '{' : `${envelopeJson.slice(0, -1)},`;
  return `${head}"data":[${items}]}`;
}

export async function postJsonBatch(batch: JsonBatch, ctx: SendContext): Promise<SentBatch> {
  const envelopeJson = JSON.stringify(batch.envelope);
  const eventJson = batch.events.map((event) => JSON.stringify(event));
  const response = await ctx.post({
    url: batch.url,
    headers: { ...batch.headers, ...batch.secretHeaders },
    body: withData(envelopeJson, eventJson.join(',')),
  });
  const count = batch.events.length;
  return {
    recordedUrl: batch.recordedUrl,
    recordedHeaders: batch.headers,
    recordedBodyFor: (i) => withData(envelopeJson, eventJson[i]),
    response,
    answer: answerOf(response, batch.platform, count, batch.ownEnvelope, () => batch.read(response, count)),
  };
}
