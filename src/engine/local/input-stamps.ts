import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { FramefleetError, show } from '../../errors.js';
import { looksLikeUrl } from '../../storage/media-io.js';

/** A local input file as it was when its job was planned. */
export interface InputStamp {
  path: string;
  size: number;
  mtimeMs: number;
  /** A hash of its first and last 64 KiB: a copy of the same file put back (a new mtime) still resumes. */
  sample?: string;
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * The size and mtime of each local file a job reads (URLs and storage keys are not looked at; a
 * file that cannot be read is left out: planning refuses it with its own message).
 */
export async function stampInputs(files: readonly string[]): Promise<InputStamp[]> {
  const local = [...new Set(files)].filter((f) => !looksLikeUrl(f));
  const stamps = await Promise.all(
    local.map(async (path): Promise<InputStamp | undefined> => {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      return {
        path,
        size: info.size,
        mtimeMs: Math.round(info.mtimeMs),
        sample: await sampleOf(path, info.size),
      };
    }),
  );
  return stamps.filter((s): s is InputStamp => s !== undefined);
}

/**
 * Refuses to run a stored job again on inputs that are gone or are not the files it was planned on
 * (its verified outputs would be stitched with ones made from another file). A job planned before
 * its inputs were stamped (`stamps` undefined) is not checked.
 */
export async function checkInputs(stamps: readonly InputStamp[] | undefined, jobId: string): Promise<void> {
  for (const stamp of stamps ?? []) {
    const info = await stat(stamp.path).catch(() => undefined);
    if (!info) {
      throw new FramefleetError(
        'INPUT_NOT_FOUND',
        `input ${show(stamp.path)} is missing; job ${jobId} stays resumable once it is back`,
      );
    }
    const mtimeMs = Math.round(info.mtimeMs);
    if (info.size === stamp.size && mtimeMs === stamp.mtimeMs) continue;
    if (info.size === stamp.size && stamp.sample && (await sampleOf(stamp.path, info.size)) === stamp.sample)
      continue;
    const was = `${stamp.size} bytes, modified ${new Date(stamp.mtimeMs).toISOString()}`;
    const now = `${info.size} bytes, modified ${new Date(mtimeMs).toISOString()}`;
    throw new FramefleetError(
      'INPUT_CHANGED',
      `input ${show(stamp.path)} changed since job ${jobId} was planned (was ${was}, now ${now}); put the original back to resume it, or run the command again for a new job`,
      { details: { path: stamp.path, planned: stamp, now: { size: info.size, mtimeMs } } },
    );
  }
}

/** The hash of a file's first and last SAMPLE_BYTES (undefined when it cannot be read). */
async function sampleOf(path: string, size: number): Promise<string | undefined> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return undefined;
  try {
    const hash = createHash('sha256');
    for (const at of size > SAMPLE_BYTES ? [0, size - SAMPLE_BYTES] : [0]) {
      const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}
