// The JSON admin API under /api/v1: the OpenAPI document (public), then one encapsulated plugin
// whose onRequest hook authenticates every request (Bearer key or dashboard session) and holds every
// resource's routes; sign-in and invite links sit beside it, unauthenticated.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { registerAdvertiserRoutes } from '../advertisers/advertiser.routes.ts';
import { registerKeyRoutes } from '../auth/key.routes.ts';
import { registerClickApiRoutes } from '../clicks/click.api.routes.ts';
import { registerConversionApiRoutes } from '../conversions/conversion.api.routes.ts';
import { registerOverviewRoutes } from '../dashboard/overview.routes.ts';
import { registerDeliveryRoutes } from '../deliveries/delivery.routes.ts';
import type { AppContext } from '../http/context.ts';
import { registerLinkRoutes } from '../links/link.routes.ts';
import { registerMacroRoutes } from '../macros/macro.routes.ts';
import { registerOfferRoutes } from '../offers/offer.routes.ts';
import { registerPostbackRoutes } from '../postbacks/postback.routes.ts';
import { registerPostbackPreviewRoutes } from '../postbacks/postback-preview.routes.ts';
import { registerPublisherRoutes } from '../publishers/publisher.routes.ts';
import { installApiAuthentication } from '../users/authenticate-request.ts';
import { registerSignInRoutes } from '../users/session.routes.ts';
import { registerUserRoutes } from '../users/user.routes.ts';
import { registerPostbackLogRoutes } from './postback-log.routes.ts';
import { rejectNulBytes } from './reject-nul.ts';

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
  });

  app.get(
    `${API_PREFIX}/openapi.json`,
    { schema: { tags: ['meta'], summary: 'this document', security: [] } },
    async () => app.swagger(),
  );

  await app.register(async (pub) => registerSignInRoutes(pub, ctx), { prefix: API_PREFIX });
  await app.register(
    async (api) => {
      installApiAuthentication(api, ctx);
      api.addHook('preValidation', rejectNulBytes);
      registerResourceRoutes(api, ctx);
    },
    { prefix: API_PREFIX },
  );
}
