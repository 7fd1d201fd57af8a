import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.ts';

export function registerClickRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
