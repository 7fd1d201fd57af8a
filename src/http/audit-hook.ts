// Records every change made through /api/v1 in the audit log, for all routes at once: before a
// change, the resource's current state is read through its own GET route (as the same caller, so
// what it shows is what the caller could see); after it, the response is the new state. Routes
// that change nothing opt out with `config: { audit: false }`. Only successful changes are logged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuditChange, recordChange } from '../audit/audit.service.ts';
import type { AppContext } from '../server/app-context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route changes nothing worth an audit entry (a preview, a test send). */
    audit?: boolean;
  }
}

const CHANGE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const pending = new WeakMap<FastifyRequest, { before: unknown }>();

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The resource's state through its GET route: the path itself, else its parent (`/x/:id/action`). */
async function readBefore(api: FastifyInstance, request: FastifyRequest): Promise<unknown> {
  const pattern = request.routeOptions.url ?? '';
  const path = request.url.split('?')[0];
  // A POST to the path itself creates; a POST below an item acts on that item.
  const candidates: Array<[string, string]> =
    request.method === 'POST'
      ? [[pattern.slice(0, pattern.lastIndexOf('/')), path.slice(0, path.lastIndexOf('/'))]]
      : [[pattern, path]];
  for (const [p, concrete] of candidates) {
    if ((request.method === 'POST' && !p.includes('/:')) || !api.hasRoute({ method: 'GET', url: p }))
      continue;
    const headers: Record<string, string> = {};
    if (request.headers.authorization) headers.authorization = request.headers.authorization;
    if (request.headers.cookie) headers.cookie = request.headers.cookie;
    const res = await api.inject({ method: 'GET', url: concrete, headers });
    return res.statusCode === 200 ? parseJson(res.body) : null;
  }
  return null;
}

function resourceOf(path: string): string {
  return path.replace(/^\/api\/v1\//, '').split(/[/?]/)[0] ?? '';
}

export function installAuditLog(api: FastifyInstance, ctx: AppContext): void {
  api.addHook('preHandler', async (request: FastifyRequest) => {
    if (!CHANGE_METHODS.has(request.method) || request.routeOptions.config?.audit === false) return;
    if (!request.principal) return;
    pending.set(request, { before: await readBefore(api, request) });
  });
  api.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const entry = pending.get(request);
    if (!entry || reply.statusCode >= 400) return payload;
    pending.delete(request);
    const after = parseJson(payload);
    const params = request.params as Record<string, unknown> | undefined;
    const id =
      params?.id ?? (after && typeof after === 'object' ? (after as { id?: unknown }).id : undefined);
    const principal = request.principal;
    const session = request.userSession;
    const change: AuditChange = {
      actor: session
        ? `user:${session.user.id}`
        : principal.keyId === null
          ? 'env'
          : `key:${principal.keyId}`,
      role: principal.role,
      via: session ? 'dashboard' : 'api',
      method: request.method,
      path: request.url.split('?')[0],
      resource: resourceOf(request.url),
      resourceId: id === undefined || id === null ? null : String(id),
      statusCode: reply.statusCode,
      before: entry.before,
      after,
    };
    await recordChange(ctx, change);
    return payload;
  });
}
