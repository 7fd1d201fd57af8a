// The JSON admin API under /api/v1: authentication, OpenAPI, and every resource's routes.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.ts';

export async function registerAdminRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
