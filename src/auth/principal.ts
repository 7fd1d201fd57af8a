// Who is calling the admin API, and the guards routes use to keep each key inside its own objects.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import type { KeyRole } from './api-key.table.ts';

export interface Principal {
  role: KeyRole;
  /** Set for advertiser keys. */
  advertiserId: number | null;
  /** Set for publisher keys. */
  publisherId: number | null;
  /** null for the TRACKWIRE_ADMIN_KEY from the environment. */
  keyId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

export function requireRole(request: FastifyRequest, ...roles: KeyRole[]): Principal {
  const principal = request.principal;
  if (!principal) throw new AppError('unauthorized', 'missing or invalid API key');
  if (!roles.includes(principal.role))
    throw new AppError('forbidden', `this key (${principal.role}) may not do this`);
  return principal;
}

/** The only publisher this caller may see, or undefined when it may see all (admin). Advertiser keys see none. */
export function publisherScope(request: FastifyRequest): number | undefined {
  const p = requireRole(request, 'admin', 'publisher', 'advertiser');
  if (p.role === 'admin') return undefined;
  if (p.role === 'publisher') return p.publisherId ?? -1;
  throw new AppError('forbidden', 'advertiser keys cannot see publisher objects');
}

/** The only advertiser this caller may see, or undefined when it may see all (admin). */
export function advertiserScope(request: FastifyRequest): number | undefined {
  const p = requireRole(request, 'admin', 'publisher', 'advertiser');
  if (p.role === 'admin') return undefined;
  if (p.role === 'advertiser') return p.advertiserId ?? -1;
  throw new AppError('forbidden', 'publisher keys cannot see advertiser objects');
}
