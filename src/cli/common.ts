import { InvalidArgumentError } from 'commander';
import { FramefleetError, show, toFramefleetError } from '../errors.js';

/** A commander option parser for an integer range whose error echoes the value. */
export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected ${name} to be an integer from ${min} to ${max}, got ${show(value)}`,
      );
    }
    return n;
  };
}

export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected ${name} to be a number from ${min} to ${max}, got ${show(value)}`,
      );
    }
    return n;
  };
}

export function choiceOption<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(
        `expected ${name} to be one of ${choices.join('|')}, got ${show(value)}`,
      );
    }
    return value as T;
  };
}

/** Exit codes: 2 for bad input or usage (4xx), 1 for a failed job or internal error, 130 on interrupt. */
export function exitCodeFor(error: FramefleetError): number {
  if (error.code === 'CANCELLED') return 130;
  return error.status >= 400 && error.status < 500 ? 2 : 1;
}

/** Prints one line naming the problem (and, with --verbose, ffmpeg's tail) and exits. */
export function die(raw: unknown, verbose = false): never {
  const error = toFramefleetError(raw);
  process.stderr.write(`framefleet: error: ${error.message} [${error.code}]\n`);
  if (verbose && error.ffmpegTail) process.stderr.write(`${error.ffmpegTail}\n`);
  process.exit(exitCodeFor(error));
}

/** Runs a command body, turning any error into a one-line message and a non-zero exit. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await body(...args);
    } catch (error) {
      die(error, process.env.FRAMEFLEET_VERBOSE === '1');
    }
  };
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}

export { FramefleetError };
