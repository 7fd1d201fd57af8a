// The JSON body parser of every route that takes JSON: Fastify's own, behind a nesting bound, so
// a deeply nested body is a 400 before anything walks it.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../shared/json-depth.ts';

export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (exceedsJsonDepth(body as string)) {
      const message = `body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
      done(new AppError('validation_failed', message, { maxDepth: MAX_JSON_DEPTH }), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
