import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'trackwire' },
      // Secrets never reach a log line, whatever object is logged.
      redact: {
        paths: [
          '*.authorization',
          '*.token',
          '*.secret',
          '*.security_token',
          '*.key',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    // Asynchronous writes: lines logged while a write is under way go out together in the next one
    // (a worker logs a line per delivery attempt), and an idle server's lines still go out at once.
    // pino flushes what is left when the process exits.
    pino.destination({ dest: 1, sync: false }),
  );
}
