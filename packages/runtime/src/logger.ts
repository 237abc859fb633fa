// Structured JSON logs (pino). Commands log to stderr so stdout stays clean for --json output.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env['KUSH_LOG_LEVEL'] ?? 'warn'): Logger {
  return pino({ name, level }, pino.destination(2));
}
