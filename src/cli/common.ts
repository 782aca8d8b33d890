import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { FramefleetError, show, toFramefleetError } from '../errors.js';
import { refuseUrl } from '../media/input-file.js';

/**
 * Commander's error text as the one line every CLI error is: its hint (`(Did you mean list?)`)
 * joined on, and `[INVALID_ARGUMENT]` at the end.
 */
export function usageErrorLine(text: string): string {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return `${line} [INVALID_ARGUMENT]`;
}

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

/** An integer range of even values only (a 4:2:0 frame's width or height). */
export function evenIntOption(name: string, min: number, max: number) {
  const parse = intOption(name, min, max);
  return (value: string): number => {
    const n = parse(value);
    if (n % 2 !== 0) {
      throw new InvalidArgumentError(
        `expected ${name} to be even (4:2:0 video needs even sizes), got ${show(value)}`,
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

/** A repeatable option collecting its values; help shows `shownDefault` for none given. */
export function repeatable(flags: string, description: string, shownDefault: string): Option {
  return new Option(flags, description)
    .argParser((value: string, previous: string[]) => [...previous, value])
    .default([], shownDefault);
}

/** How a command asks to replace an existing output, named when one is refused. */
/**
 * A path given on the command line, made absolute; an empty one (`""`, a shell variable that was
 * not set) is refused rather than taken as the current folder.
 */
export function pathArgument(value: string, what: string): string {
  if (value.trim() === '') throw new FramefleetError('INVALID_ARGUMENT', `${what} is empty: name a file`);
  return resolve(value);
}

/**
 * A file the command writes: as pathArgument, and a directory (a name ending in a slash, or one
 * that exists) is refused as one, naming a file in it instead of the extension it lacks.
 */
export function outputArgument(value: string, what: string, example = 'output.mp4'): string {
  const path = pathArgument(value, what);
  if (/[/\\]$/.test(value) || isDirectory(path)) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `${what} ${show(value)} is a directory: name the file to write in it, such as ${show(join(value, example))}`,
    );
  }
  return path;
}

/** Whether `path` is an existing directory; no for anything that cannot be looked at (the writer says why). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** A file the command reads: as pathArgument, and a URL is refused as typed (not as a path). */
export function inputArgument(value: string, what: string): string {
  refuseUrl(value, what);
  return pathArgument(value, what);
}

/** The input name that means standard input (`cat song.mp3 | framefleet analyze beats -`). */
export const STDIN = '-';

export const OVERWRITE_HINT = 'give -y/--overwrite to replace it';

/** `-o/--output` (required or not) and `-y/--overwrite`: every command that writes a file has both. */
export function outputOptions(command: Command, description: string, required = true): Command {
  const flags = '-o, --output <file>';
  const withOutput = required
    ? command.requiredOption(flags, description)
    : command.option(flags, description);
  return withOutput.option('-y, --overwrite', 'replace an existing output file (never an input)');
}

/** The reporting flags every job command shares. */
export function reportOptions(command: Command): Command {
  return quietOption(
    command.option(
      '--json',
      'machine-readable output on stdout (NDJSON events, then a result or an error line)',
    ),
  ).option('-v, --verbose', 'more detail, including ffmpeg output on errors');
}

/** `-q/--quiet`: every command that runs a job or an analysis takes it. */
export function quietOption(command: Command): Command {
  return command.option('-q, --quiet', 'no progress or info lines; warnings and errors still print');
}

/** The flags of every command that runs a job on the embedded engine (slots, data dir, report). */
export interface LocalRunFlags {
  workers?: number;
  gpuSlots?: number;
  dataDir?: string;
  keepIntermediates?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Where the embedded engine keeps job state: every local command takes the same flag. */
export function dataDirOption(command: Command): Command {
  return command.option(
    '--data-dir <dir>',
    'where job state and segments live (default: $FRAMEFLEET_DATA_DIR or ~/.cache/framefleet)',
  );
}

/** How many encodes the embedded engine runs at once. */
export function slotOptions(command: Command): Command {
  return command
    .option('--workers <n>', 'concurrent CPU encodes (default: core count)', intOption('--workers', 1, 256))
    .option(
      '--gpu-slots <n>',
      'concurrent encodes per GPU vendor, shared by all its GPUs here (NVENC session limit; default: 2)',
      intOption('--gpu-slots', 1, 64),
    );
}

export type OutputMode = 'tty' | 'lines' | 'json' | 'quiet';

/** A live line on a terminal, plain lines in logs, NDJSON with --json. */
export function outputMode(flags: { json?: boolean; quiet?: boolean }): OutputMode {
  return flags.json ? 'json' : flags.quiet ? 'quiet' : process.stderr.isTTY ? 'tty' : 'lines';
}

/** Exit codes, the same for every command: 0 done, 2 bad input or usage (4xx), 1 a failed job or internal error, 130 interrupted. */
export function exitCodeFor(error: FramefleetError): number {
  if (error.code === 'CANCELLED') return 130;
  return error.status >= 400 && error.status < 500 ? 2 : 1;
}

/**
 * Prints one line naming the problem (and, with --verbose, ffmpeg's tail) and exits. With `--json`
 * stdout also ends with the error as an NDJSON line (`{"type":"error",...}`), so a reader of stdout
 * alone learns why there is no result line (a new user's trial found nothing there).
 */
export function die(raw: unknown, verbose = false, json = false): never {
  const error = toFramefleetError(raw);
  process.stderr.write(`framefleet: error: ${error.message} [${error.code}]\n`);
  if (verbose && error.ffmpegTail) process.stderr.write(`${error.ffmpegTail}\n`);
  const exitCode = exitCodeFor(error);
  if (json) {
    const line = { type: 'error', code: error.code, message: error.message, exitCode };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  process.exit(exitCode);
}

/** Runs a command body, turning any error into a one-line message and a non-zero exit. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await body(...args);
    } catch (error) {
      // Commander passes the command last: its parsed -v/--verbose and --json, or the environment's.
      const command = args.at(-1) as { opts?: () => { verbose?: unknown; json?: unknown } } | undefined;
      const opts = typeof command?.opts === 'function' ? command.opts() : {};
      die(error, opts.verbose === true || process.env.FRAMEFLEET_VERBOSE === '1', opts.json === true);
    }
  };
}

/** A count with its noun: "1 segment", "2 segments", plural(1, 'entry', 'entries'). Pure. */
export function plural(count: number, singular: string, many = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : many}`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}

export { FramefleetError };
