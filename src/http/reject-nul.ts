// PostgreSQL text cannot hold U+0000, so a NUL anywhere in the input would surface as a database
// error (a 500) on one store and be stored on the other. Refuse it up front, naming the field.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';

// An explicit stack instead of recursion: a body's depth must never decide whether this throws.
function findNul(root: unknown, rootPath: string): string | undefined {
  const stack: Array<[unknown, string]> = [[root, rootPath]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (value && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
      const children: Array<[unknown, string]> = [];
      for (const [key, item] of entries) {
        const here = path ? `${path}.${key}` : String(key);
        if (typeof key === 'string' && key.includes('\u0000')) return here;
        children.push([item, here]);
      }
      // Reversed so the first field is looked at first, as a reader would expect it named.
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
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
