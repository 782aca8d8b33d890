import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { FramefleetError, isFramefleetError, show } from '../errors.js';
import { holdInputFile, type Held } from '../storage/confined-open.js';
import { looksLikeUrl } from '../storage/media-io.js';

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
 * file that cannot be read is left out: planning refuses it with its own message). With `roots`
 * (a server's input roots), each is held inside them first (O_PATH: a name outside, or a link
 * swapped in, is never opened or looked at); either way the file is opened without blocking and
 * must be a regular one, so a FIFO swapped in after submit cannot hang the planner on its open.
 */
export async function stampInputs(
  files: readonly string[],
  roots?: readonly string[],
): Promise<InputStamp[]> {
  const local = [...new Set(files)].filter((f) => !looksLikeUrl(f));
  const stamps = await Promise.all(
    local.map(async (path): Promise<InputStamp | undefined> => {
      const held = roots ? await holdInputFile(path, roots).catch(() => undefined) : undefined;
      if (roots && !held) return undefined;
      try {
        const taken = await regularFile(held?.path ?? path);
        return taken && { path, ...taken };
      } finally {
        await held?.close();
      }
    }),
  );
  return stamps.filter((s): s is InputStamp => s !== undefined);
}

/** Size, mtime and sample of a regular file, read through one non-blocking open; else undefined. */
async function regularFile(file: string): Promise<Omit<InputStamp, 'path'> | undefined> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    return { size: info.size, mtimeMs: Math.round(info.mtimeMs), sample: await sampleOf(handle, info.size) };
  } finally {
    await handle.close();
  }
}

/**
 * Refuses to run a stored job again on inputs that are gone or are not the files it was planned on
 * (its verified outputs would be stitched with ones made from another file). A job planned before
 * its inputs were stamped (`stamps` undefined) is not checked. Every path that runs a stored job
 * again asks this first: `jobs resume`, a retry (on the embedded engine or a fleet, whose worker
 * stamps the files when it plans), and a restart resuming the jobs a killed process left. With
 * `roots` (a server's input roots now), each file is opened confined to them first (O_PATH,
 * nothing read), so one outside them is PATH_FORBIDDEN before it is looked at.
 */
export async function checkInputs(
  stamps: readonly InputStamp[] | undefined,
  jobId: string,
  roots?: readonly string[],
): Promise<void> {
  for (const stamp of stamps ?? []) {
    const held = roots ? await holdStamped(stamp.path, roots, jobId) : undefined;
    try {
      await checkStamp(stamp, held?.path ?? stamp.path, jobId);
    } finally {
      await held?.close();
    }
  }
}

/** `file` (the stamped path, or the held name of it) is still the file `stamp` describes. */
async function checkStamp(stamp: InputStamp, file: string, jobId: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw missing(stamp.path, jobId);
  const mtimeMs = Math.round(info.mtimeMs);
  if (info.size === stamp.size && mtimeMs === stamp.mtimeMs) return;
  if (info.size === stamp.size && stamp.sample && (await regularFile(file))?.sample === stamp.sample) return;
  const was = `${stamp.size} bytes, modified ${new Date(stamp.mtimeMs).toISOString()}`;
  const now = `${info.size} bytes, modified ${new Date(mtimeMs).toISOString()}`;
  throw new FramefleetError(
    'INPUT_CHANGED',
    `input ${show(stamp.path)} changed since job ${jobId} was planned (was ${was}, now ${now}); put the original back to resume or retry it, or run the command again for a new job`,
    { details: { path: stamp.path, planned: stamp, now: { size: info.size, mtimeMs } } },
  );
}

/** The stamped file opened inside the roots; one that is not there is missing, as unconfined. */
async function holdStamped(path: string, roots: readonly string[], jobId: string): Promise<Held> {
  try {
    return await holdInputFile(path, roots);
  } catch (error) {
    if (isFramefleetError(error) && error.code === 'INPUT_NOT_FOUND') throw missing(path, jobId);
    throw error;
  }
}

function missing(path: string, jobId: string): FramefleetError {
  return new FramefleetError(
    'INPUT_NOT_FOUND',
    `input ${show(path)} is missing; job ${jobId} stays resumable once it is back`,
  );
}

/** The hash of a file's first and last SAMPLE_BYTES (undefined when it cannot be read). */
async function sampleOf(file: FileHandle, size: number): Promise<string | undefined> {
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
  }
}
