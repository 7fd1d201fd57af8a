// POST /postbacks/preview: what a draft postback would send, rendered with sample values, and the
// macros it names that do not exist with the nearest known name: the editor's live preview and its
// "did you mean" marks, from the same rules saving and delivering apply.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publisherScope } from '../../auth/principal.ts';
import { findPublisherById } from '../../catalog/publishers/publisher.service.ts';
import type { PublisherRow } from '../../catalog/publishers/publisher.table.ts';
import { renderRequest } from '../../deliveries/prepare/delivery-request.ts';
import { TRACKWIRE_USER_AGENT } from '../../deliveries/prepare/user-agent.ts';
import { formatDatetimeUtc, formatUnixSeconds } from '../../macros/click-macro-values.ts';
import { sampleMacroValues } from '../../macros/macro-catalogue.ts';
import { findUnknownMacros } from '../../macros/validate-template.ts';
import type { PostbackRow } from '../../postbacks/postback.table.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, Nullable } from '../../shared/api-schemas.ts';

const PreviewBody = Type.Object(
  {
    publisherId: Type.Optional(Nullable(Id())),
    url: Type.String({ maxLength: 4000 }),
    method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('POST')])),
    bodyFormat: Type.Optional(Nullable(Type.Union([Type.Literal('form'), Type.Literal('json')]))),
    bodyTemplate: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
    headers: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
type PreviewBody = Static<typeof PreviewBody>;

const Preview = Type.Object({
  unknownMacros: Type.Array(
    Type.Object({
      field: Type.String(),
      macro: Type.String(),
      name: Type.String(),
      suggestion: Type.Optional(Type.String()),
    }),
  ),
  request: Nullable(
    Type.Object({
      method: Type.String(),
      url: Type.String(),
      headers: Type.Record(Type.String(), Type.String()),
      body: Nullable(Type.String()),
    }),
  ),
});

const STAND_IN_PUBLISHER = {
  id: 0,
  security_token: 'sample_security_token',
  signing_secret: 'whsec_c2FtcGxlIHNpZ25pbmcgc2VjcmV0',
  previous_signing_secret: null,
  previous_secret_expires_at: null,
} as PublisherRow;

function draftRow(body: PreviewBody, publisherId: number): PostbackRow {
  const method = body.method ?? 'GET';
  return {
    publisher_id: publisherId,
    // Previewed as the publisher's receiver would get it: no macro its publisher may not read.
    audience: 'publisher',
    secret_params: '[]',
    secret_path_segments: '[]',
    url: body.url,
    method,
    body_format: method === 'POST' ? (body.bodyFormat ?? 'form') : 'none',
    body_template: method === 'POST' ? (body.bodyTemplate ?? '') : null,
    headers: JSON.stringify(body.headers ?? {}),
    timeout_ms: 15_000,
  } as PostbackRow;
}

export function registerPostbackPreviewRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.post<{ Body: PreviewBody }>(
    '/postbacks/preview',
    { schema: { tags: ['postbacks'], body: PreviewBody, response: { 200: Preview } } },
    async (request) => {
      const scope = publisherScope(request);
      const body = request.body;
      const places: [string, string][] = [['url', body.url]];
      if (body.method === 'POST' && body.bodyTemplate) places.push(['bodyTemplate', body.bodyTemplate]);
      for (const [name, value] of Object.entries(body.headers ?? {})) places.push([`headers.${name}`, value]);
      const unknownMacros = places.flatMap(([field, template]) =>
        findUnknownMacros(template).map((macro) => ({ field, ...macro })),
      );
      if (!/^https?:\/\/\S/i.test(body.url)) return { unknownMacros, request: null };
      const publisherId = scope ?? body.publisherId ?? undefined;
      const publisher =
        (publisherId !== undefined && (await findPublisherById(ctx.store.db, publisherId))) ||
        STAND_IN_PUBLISHER;
      const now = ctx.clock.now();
      const values = {
        ...sampleMacroValues(),
        ...(publisher.id > 0 && { publisher_id: String(publisher.id) }),
        security_token: publisher.security_token,
        timestamp: formatUnixSeconds(now),
        datetime: formatDatetimeUtc(now),
      };
      const built = renderRequest(
        { postback: draftRow(body, publisher.id), publisher, msgId: 'preview', values },
        now,
        TRACKWIRE_USER_AGENT,
      );
      const { method, headers, body: sent } = built.recorded;
      return { unknownMacros, request: { method, url: built.recorded.url, headers, body: sent ?? null } };
    },
  );
}
