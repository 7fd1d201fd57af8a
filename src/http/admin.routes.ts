// The JSON admin API under /api/v1: the OpenAPI document (public), then one encapsulated plugin
// whose onRequest hook authenticates every request by Bearer key and holds every resource's routes.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createKeyAuthenticator } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../server/app-context.ts';
import { AppError } from '../shared/errors.ts';
import { closeRouteSchemas, documentOptionalBodies } from './close-schemas.ts';
import { rejectNulBytes } from './reject-nul.ts';
import { registerAdvertiserRoutes } from './routes/advertiser.routes.ts';
import { registerClickApiRoutes } from './routes/click.api.routes.ts';
import { registerConversionApiRoutes } from './routes/conversion.api.routes.ts';
import { registerDeliveryRoutes } from './routes/delivery.routes.ts';
import { registerKeyRoutes } from './routes/key.routes.ts';
import { registerLinkRoutes } from './routes/link.routes.ts';
import { registerMacroRoutes } from './routes/macro.routes.ts';
import { registerOfferRoutes } from './routes/offer.routes.ts';
import { registerPostbackRoutes } from './routes/postback.routes.ts';
import { registerPostbackLogRoutes } from './routes/postback-log.routes.ts';
import { registerPublisherRoutes } from './routes/publisher.routes.ts';

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
  registerPostbackRoutes(api, ctx);
  registerDeliveryRoutes(api, ctx);
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
    async (api) => {
      const authenticator = createKeyAuthenticator(ctx);
      api.addHook('onClose', async () => authenticator.close());
      api.decorateRequest('principal', null as unknown as Principal);
      api.addHook('onRequest', async (request) => {
        const principal = await authenticator.authenticate(request.headers.authorization);
        if (!principal) throw new AppError('unauthorized', 'missing, invalid or revoked API key');
        request.principal = principal;
      });
      api.addHook('preValidation', rejectNulBytes);
      api.addHook('onRoute', closeRouteSchemas);
      registerResourceRoutes(api, ctx);
    },
    { prefix: API_PREFIX },
  );
}
