// PostgreSQL text cannot hold U+0000, so a NUL anywhere in the input would surface as a database
// error (a 500) on one store and be stored on the other. Refuse it up front, naming the field.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';

function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], path ? `${path}.${i}` : String(i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return here;
      const found = findNul(item, here);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export async function rejectNulBytes(request: FastifyRequest): Promise<void> {
  const field = findNul(request.params, '') ?? findNul(request.query, '') ?? findNul(request.body, '');
  if (field !== undefined) {
    throw new AppError('validation_failed', `${field || 'input'}: must not contain NUL characters`, {
      field,
    });
  }
}
