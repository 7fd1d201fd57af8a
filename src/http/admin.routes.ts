// The JSON admin API under /api/v1: the OpenAPI document (public), then one encapsulated plugin
// whose onRequest hook authenticates every request (Bearer key or dashboard session) and holds every
// resource's routes; sign-in and invite links sit beside it, unauthenticated.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../server/app-context.ts';
import { installApiAuthentication } from '../users/authenticate-request.ts';
import { installAuditLog } from './audit-hook.ts';
import { closeRouteSchemas, documentOptionalBodies } from './close-schemas.ts';
import { rejectNulBytes } from './reject-nul.ts';
import { registerAdvertiserRoutes } from './routes/advertiser.routes.ts';
import { registerAlertChannelRoutes } from './routes/alert-channel.routes.ts';
import { registerAlertRuleRoutes } from './routes/alert-rule.routes.ts';
import { registerAuditRoutes } from './routes/audit.routes.ts';
import { registerCapRoutes } from './routes/cap.routes.ts';
import { registerClickApiRoutes } from './routes/click.api.routes.ts';
import { registerConversionApiRoutes } from './routes/conversion.api.routes.ts';
import { registerDeliveryRoutes } from './routes/delivery.routes.ts';
import { registerInboundRuleRoutes } from './routes/inbound-rule.routes.ts';
import { registerKeyRoutes } from './routes/key.routes.ts';
import { registerLinkRoutes } from './routes/link.routes.ts';
import { registerMacroRoutes } from './routes/macro.routes.ts';
import { registerOfferRoutes } from './routes/offer.routes.ts';
import { registerOverviewRoutes } from './routes/overview.routes.ts';
import { registerPostbackRoutes } from './routes/postback.routes.ts';
import { registerPostbackLogRoutes } from './routes/postback-log.routes.ts';
import { registerPostbackPreviewRoutes } from './routes/postback-preview.routes.ts';
import { registerPublisherRoutes } from './routes/publisher.routes.ts';
import { registerReconciliationRoutes } from './routes/reconciliation.routes.ts';
import { registerReportRoutes } from './routes/report.routes.ts';
import { registerRetentionRoutes } from './routes/retention.routes.ts';
import { registerReviewRoutes } from './routes/review.routes.ts';
import { registerRewardRoutes } from './routes/reward.routes.ts';
import { registerSignInRoutes } from './routes/session.routes.ts';
import { registerSmartLinkRoutes } from './routes/smartlink.routes.ts';
import { registerUserRoutes } from './routes/user.routes.ts';
import { registerVisitorDataRoutes } from './routes/visitor-data.routes.ts';

export const API_PREFIX = '/api/v1';

/** Every resource of the API. Add a feature's routes here: one line each. */
function registerResourceRoutes(api: FastifyInstance, ctx: AppContext): void {
  registerKeyRoutes(api, ctx);
  registerAdvertiserRoutes(api, ctx);
  registerOfferRoutes(api, ctx);
  registerPublisherRoutes(api, ctx);
  registerLinkRoutes(api, ctx);
  registerClickApiRoutes(api, ctx);
  registerConversionApiRoutes(api, ctx);
  registerPostbackLogRoutes(api, ctx);
  registerMacroRoutes(api, ctx);
  registerPostbackPreviewRoutes(api, ctx);
  registerPostbackRoutes(api, ctx);
  registerDeliveryRoutes(api, ctx);
  registerUserRoutes(api, ctx);
  registerOverviewRoutes(api, ctx);
  registerReportRoutes(api, ctx);
  registerRewardRoutes(api, ctx);
  registerInboundRuleRoutes(api, ctx);
  registerSmartLinkRoutes(api, ctx);
  registerAlertChannelRoutes(api, ctx);
  registerAlertRuleRoutes(api, ctx);
  registerReconciliationRoutes(api, ctx);
  registerRetentionRoutes(api, ctx);
  registerAuditRoutes(api, ctx);
  registerVisitorDataRoutes(api, ctx);
  registerCapRoutes(api, ctx);
  registerReviewRoutes(api, ctx);
}

export async function registerAdminRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Trackwire admin API',
        version: '1',
        description:
          'Authenticate with `Authorization: Bearer <API key>`. Timestamps are milliseconds since the epoch.',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Only the admin API is documented; tracking links and inbound postbacks are not JSON APIs.
    transform: ({ schema, url }) => ({
      schema: url.startsWith(API_PREFIX) ? schema : { ...schema, hide: true },
      url,
    }),
    transformObject: (document) =>
      documentOptionalBodies('openapiObject' in document ? document.openapiObject : document.swaggerObject),
  });

  app.get(
    `${API_PREFIX}/openapi.json`,
    { schema: { tags: ['meta'], summary: 'this document', security: [] } },
    async () => app.swagger(),
  );

  await app.register(
    async (pub) => {
      pub.addHook('preValidation', rejectNulBytes);
      pub.addHook('onRoute', closeRouteSchemas);
      registerSignInRoutes(pub, ctx);
    },
    { prefix: API_PREFIX },
  );
  await app.register(
    async (api) => {
      installApiAuthentication(api, ctx);
      api.addHook('preValidation', rejectNulBytes);
      api.addHook('onRoute', closeRouteSchemas);
      installAuditLog(api, ctx);
      registerResourceRoutes(api, ctx);
    },
    { prefix: API_PREFIX },
  );
}
