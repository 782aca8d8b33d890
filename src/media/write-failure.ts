import { FramefleetError, noSpaceError, type DiskFullCode } from '../errors.js';

/**
 * ffmpeg's words for an output it could not write. It exits 0 when only the trailer failed (5.1:
 * "Error writing trailer of X: No space left on device", the moov of an MP4 lost), so its exit
 * code alone would pass a file without an index on, to be read back as a bad input.
 */
export const WRITE_FAILED = /Error writing trailer of |No space left on device|Disk quota exceeded/;

/** The errno behind a write failure's words, where it is a full disk. Pure. */
function diskFullIn(text: string): DiskFullCode | undefined {
  if (/No space left on device/.test(text)) return 'ENOSPC';
  if (/Disk quota exceeded/.test(text)) return 'EDQUOT';
  return undefined;
}

/**
 * The file a write failure names ("Error writing trailer of X: ...", "Error closing file X: ...",
 * "X: No space left on device" on opening it); else the run's last argument, ffmpeg's output where
 * it is a file. Pure.
 */
export function failedWritePath(stderr: string, args: readonly string[]): string | undefined {
  const named =
    /(?:Error writing trailer of|Error closing file) (.+?): (?:No space left on device|Disk quota exceeded)/.exec(
      stderr,
    ) ?? /^(\/.+?): (?:No space left on device|Disk quota exceeded)$/m.exec(stderr);
  if (named) return named[1];
  const last = args.at(-1);
  return last !== undefined && !last.startsWith('-') && !/^[a-z]+:/i.test(last) ? last : undefined;
}

/**
 * The error of an ffmpeg run whose stderr said `line` (its first WRITE_FAILED line, if any): a full
 * disk is NO_SPACE whatever the exit code (fatal: a retry fills the same disk; a fleet worker's own
 * scratch disk is the exception, see engine/redis/own-disk-full.ts), another failed
 * trailer at exit 0 is FFMPEG_FAILED; undefined where the exit code decides alone.
 */
export function writeFailure(
  line: string | undefined,
  tail: string,
  args: readonly string[],
  label: string,
  code: number | null,
): FramefleetError | undefined {
  if (line === undefined) return undefined;
  const full = diskFullIn(`${line}\n${tail}`);
  if (full) {
    const path = failedWritePath(`${tail}\n${line}`, args);
    return path === undefined
      ? new FramefleetError('NO_SPACE', `${label} failed: ${line}`, { ffmpegTail: tail })
      : noSpaceError(path, line, full, tail);
  }
  if (code !== 0) return undefined;
  return new FramefleetError('FFMPEG_FAILED', `${label} failed (exit code 0): ${line}`, {
    ffmpegTail: tail,
    details: { exitCode: 0 },
  });
}
