// /api/v1/alert-channels: where alerts go (signed webhook, Slack-compatible webhook, Telegram bot,
// email), admin only. Secrets are write-only; "send test" answers with what the receiver said.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CHANNEL_KINDS } from '../../alerts/alert.table.ts';
import { deleteAlertChannel, listAlertChannels } from '../../alerts/alert-channel.repository.ts';
import {
  changeAlertChannel,
  closeChannelDeps,
  createAlertChannel,
  createChannelDeps,
  getAlertChannel,
  sendTestAlert,
} from '../../alerts/alert-channel.service.ts';
import { publicChannelView, toAlertChannel } from '../../alerts/alert-channel.view.ts';
import { requireRole } from '../../auth/principal.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams, Millis, StringEnum } from '../../shared/api-schemas.ts';
import { notFound } from '../../shared/errors.ts';

const Fields = {
  url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'webhook and slack' })),
  botToken: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'telegram; write-only, never returned' }),
  ),
  chatId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'telegram' })),
  to: Type.Optional(
    Type.String({ minLength: 3, maxLength: 1000, description: 'email: addresses, comma-separated' }),
  ),
};
const CreateBody = Type.Object({
  kind: StringEnum(CHANNEL_KINDS),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  ...Fields,
});
type CreateBody = Static<typeof CreateBody>;
const PatchBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  ...Fields,
});
type PatchBody = Static<typeof PatchBody>;
const Channel = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(CHANNEL_KINDS),
  name: Type.String(),
  url: Type.Optional(Type.String()),
  chatId: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  botTokenSet: Type.Optional(Type.Boolean()),
  createdAt: Millis,
  updatedAt: Millis,
});
const CreatedChannel = Type.Composite([
  Channel,
  Type.Object({
    signingSecret: Type.Optional(
      Type.String({ description: 'webhook: the Standard Webhooks secret; shown this once only' }),
    ),
  }),
]);
const TestAnswer = Type.Object({
  ok: Type.Boolean(),
  statusCode: Type.Integer({ description: 'HTTP status or SMTP reply code; 0 when nothing answered' }),
  answer: Type.String({ description: "the receiver's answer (body excerpt or SMTP reply), or the error" }),
});

export function registerAlertChannelRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['alerts'];
  const deps = createChannelDeps(ctx.config);
  api.addHook('onClose', async () => closeChannelDeps(deps));
  const db = ctx.store.db;

  api.post<{ Body: CreateBody }>(
    '/alert-channels',
    { schema: { tags, body: CreateBody, response: { 201: CreatedChannel } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      const { channel, signingSecret } = await createAlertChannel(db, request.body, ctx.clock.now());
      return reply
        .status(201)
        .send({ ...publicChannelView(channel), ...(signingSecret ? { signingSecret } : {}) });
    },
  );

  api.get(
    '/alert-channels',
    { schema: { tags, response: { 200: Type.Object({ data: Type.Array(Channel) }) } } },
    async (request) => {
      requireRole(request, 'admin');
      return { data: (await listAlertChannels(db)).map((r) => publicChannelView(toAlertChannel(r))) };
    },
  );

  api.get<{ Params: IdParams }>(
    '/alert-channels/:id',
    { schema: { tags, params: IdParams, response: { 200: Channel } } },
    async (request) => {
      requireRole(request, 'admin');
      return publicChannelView(await getAlertChannel(db, request.params.id));
    },
  );

  api.patch<{ Params: IdParams; Body: PatchBody }>(
    '/alert-channels/:id',
    { schema: { tags, params: IdParams, body: PatchBody, response: { 200: Channel } } },
    async (request) => {
      requireRole(request, 'admin');
      return publicChannelView(
        await changeAlertChannel(db, request.params.id, request.body, ctx.clock.now()),
      );
    },
  );

  api.delete<{ Params: IdParams }>(
    '/alert-channels/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      if (!(await deleteAlertChannel(db, request.params.id))) throw notFound('alert channel');
      return reply.status(204).send();
    },
  );

  api.post<{ Params: IdParams }>(
    '/alert-channels/:id/test',
    { schema: { tags, summary: 'send a test message now', params: IdParams, response: { 200: TestAnswer } } },
    async (request) => {
      requireRole(request, 'admin');
      const { ok, statusCode, answer } = await sendTestAlert(db, deps, request.params.id, ctx.clock.now());
      return { ok, statusCode, answer };
    },
  );
}
