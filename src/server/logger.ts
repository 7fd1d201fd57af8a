import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'trackwire' },
    // Secrets never reach a log line, whatever object is logged.
    redact: {
      paths: ['*.authorization', '*.token', '*.secret', '*.security_token', '*.key', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
