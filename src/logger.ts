import { pino, type Logger as PinoLogger } from 'pino';

/** What framefleet logs through: pino's shape, so a pino logger is one. */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

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
