import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { attemptLogger } from './delivery-attempt.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  // The production redaction paths (src/server/logger.ts).
  const log = pino({ redact: { paths: ['*.authorization', '*.token'], censor: '[redacted]' } }, stream);
  return { log, lines };
}

describe('attemptLogger', () => {
  it('writes the per-attempt line with every field and the parent bindings', () => {
    const { log, lines } = capture();
    const attempts = attemptLogger(log.child({ component: 'delivery-worker' }));
    attempts.info(
      { event: 'delivery.attempted', deliveryId: 'dlv_1', statusCode: 200, errorClass: null },
      'delivery.attempted',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      component: 'delivery-worker',
      event: 'delivery.attempted',
      deliveryId: 'dlv_1',
      statusCode: 200,
      errorClass: null,
      msg: 'delivery.attempted',
    });
  });

  it('leaves the redaction of the logger it came from in place', () => {
    const { log, lines } = capture();
    attemptLogger(log);
    log.info({ headers: { authorization: 'Bearer s3cret' } }, 'other line');
    expect(lines[0]).toMatchObject({ headers: { authorization: '[redacted]' } });
  });
});
