import { pino, type Logger as PinoLogger } from 'pino';

import type { Logger } from './engine/types.js';

/** A logger that drops everything: tests, benchmarks, embedding. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** JSON logs to stderr (stdout stays free for --json results). */
export function createLogger(level: LogLevel = 'info', bindings: Record<string, unknown> = {}): PinoLogger {
  return pino({ level, base: { ...bindings } }, pino.destination(2));
}
