import type { PcmStream } from '../media/decode-pcm.js';
import { startEarlyProbe } from '../media/probe-header.js';
import { startBeatsDecode } from '../pipelines/analyze/beats-decode.js';

/**
 * `framefleet analyze beats FILE` decodes FILE whatever else happens, so the decode starts here,
 * before the program, its options and the analysis load: ffmpeg's own start-up and the decode
 * overlap Node loading them. The command takes the decode over when its file is the one started
 * (takeEarlyDecode); a usage error, --help or a failed check leaves it to die with the process.
 */
let early: PcmStream | undefined;

/** Options of `analyze beats` that take a value (the value is not the file). */
const VALUED = new Set(['-o', '--output', '--config']);

/**
 * Starts the decode when `args` (argv after the script) are a plain `analyze beats FILE [options]`,
 * and the input's header probe for `transcode FILE ...` (its first argument is the input).
 */
export function startEarlyWork(args: readonly string[]): void {
  const file = beatsFile(args);
  if (file !== undefined) early = startBeatsDecode(file);
  if (
    args[0] === 'transcode' &&
    args[1] !== undefined &&
    !args[1].startsWith('-') &&
    !args.includes('--redis')
  )
    startEarlyProbe(args[1]);
}

/** The early decode of `path`, once; undefined when none was started for it. */
export function takeEarlyDecode(path: string): PcmStream | undefined {
  const taken = early;
  early = undefined;
  if (taken && taken.path !== path) {
    taken.abort();
    return undefined;
  }
  return taken;
}

/** The file of `analyze beats FILE`, or undefined for anything else or anything unusual. */
export function beatsFile(args: readonly string[]): string | undefined {
  if (args[0] !== 'analyze' || args[1] !== 'beats') return undefined;
  const files: string[] = [];
  for (let i = 2; i < args.length; i++) {
    const arg = args[i]!;
    // `-` is standard input: the command copies it to a file first; nothing is opened by that name.
    if (
      arg === '-' ||
      arg === '--' ||
      arg === '-h' ||
      arg === '--help' ||
      arg === '-V' ||
      arg === '--version'
    )
      return undefined;
    if (VALUED.has(arg)) i++;
    else if (!arg.startsWith('-')) files.push(arg);
  }
  return files.length === 1 ? files[0] : undefined;
}
