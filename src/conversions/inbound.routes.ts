import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.ts';

export function registerInboundPostbackRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
