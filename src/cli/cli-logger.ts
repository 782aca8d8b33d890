import type { Logger } from '../engine/types.js';

export interface CliLoggerOptions {
  /** `-q`: no info lines; warnings still print (what -q hides is progress, not what went wrong). */
  quiet?: boolean;
  /** No warnings either: a batch's per-line table says what went wrong with each line. */
  silent?: boolean;
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
    info: (obj, msg) => !options.quiet && !options.silent && write('info', obj, msg),
    warn: (obj, msg) => !options.silent && !failureShown(obj, options) && write('warning', obj, msg),
    error: (obj, msg) => write('error', obj, msg),
    debug: (obj, msg) => options.verbose && write('debug', obj, msg),
  };
}

/**
 * Whether a log entry is the engine's warning about a task failure said elsewhere: one that ends the
 * job (`willRetry` false) is the command's own error line, printed once there (a new user's trial
 * saw a montage's NO_BEATS line twice, as a warning and as the error); one retried, where a
 * progress printer shows its `failure` event.
 */
function failureShown(obj: object | string, options: CliLoggerOptions): boolean {
  if (typeof obj !== 'object' || !('willRetry' in obj)) return false;
  return obj.willRetry === false || options.failuresShown === true;
}

/**
 * Says each of a result's warnings on stderr as a job's are said, whatever the output format: with
 * `--json` stdout holds only JSON, and a warning is never hidden (its JSON carries it too).
 */
export function echoWarnings(warnings: readonly string[] | undefined): void {
  const log = cliLogger();
  for (const warning of warnings ?? []) log.warn(warning);
}
