import { pino, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** JSON logs to stderr (stdout stays free for --json results). */
export function createLogger(level: LogLevel = 'info', bindings: Record<string, unknown> = {}): PinoLogger {
  return pino({ level, base: { ...bindings } }, pino.destination(2));
}
