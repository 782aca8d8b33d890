import type { Logger } from '../engine/types.js';

export interface CliLoggerOptions {
  quiet?: boolean;
  verbose?: boolean;
  clearLine?: boolean;
  /**
   * A progress printer already shows each task failure (its `failure` event): the engine's own
   * warning about it (the entry carrying `willRetry`) is not printed again.
   */
  failuresShown?: boolean;
}

/** Human log lines for the CLI: the message only, to stderr; JSON logs are for servers and workers. */
export function cliLogger(options: CliLoggerOptions = {}): Logger {
  const write = (level: string, obj: object | string, msg?: string) => {
    const text = typeof obj === 'string' ? obj : (msg ?? JSON.stringify(obj));
    const prefix = options.clearLine ? '\r\x1b[2K' : '';
    process.stderr.write(`${prefix}framefleet: ${level === 'info' ? '' : `${level}: `}${text}\n`);
  };
  return {
    info: (obj, msg) => !options.quiet && write('info', obj, msg),
    warn: (obj, msg) =>
      !options.quiet &&
      !(options.failuresShown && typeof obj === 'object' && 'willRetry' in obj) &&
      write('warning', obj, msg),
    error: (obj, msg) => write('error', obj, msg),
    debug: (obj, msg) => options.verbose && write('debug', obj, msg),
  };
}
