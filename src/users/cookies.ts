// The session cookie: read from the Cookie header, written with HttpOnly, SameSite=Lax and, over
// HTTPS, Secure.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './limits.ts';

export function readSessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 200 ? value : undefined;
    }
  }
  return undefined;
}

function attributes(secure: boolean, maxAgeSeconds: number): string {
  return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  secure: boolean,
  maxAgeMs: number,
): void {
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; ${attributes(secure, Math.floor(maxAgeMs / 1000))}`,
  );
  // A response that signs someone in must not be kept by any cache.
  reply.header('cache-control', 'no-store');
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; ${attributes(secure, 0)}`);
}
