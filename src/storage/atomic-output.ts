import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { diskFullCode, FramefleetError, noSpaceError, show, writtenPath } from '../errors.js';
import { handlePath, holdOutputDir } from './confined-open.js';
import { folderProblem, publishOutput, type OutputTargetOptions } from './output-target.js';

export interface Written<T> {
  value: T;
  size: number;
}

/** Something that writes an output atomically, as writeAtomically does; injected where roots apply. */
export type Publisher = <T>(
  output: string,
  write: (temp: string) => Promise<T>,
  guard?: OutputGuard,
) => Promise<Written<T>>;

/**
 * Writes `output` atomically: `write` fills a temporary file in the same directory, which replaces
 * `output` only once `write` resolved (after it verified the file); on failure it is removed.
 *
 * With roots, the directory is opened and checked against them first, the temporary file is
 * created through that open directory (O_EXCL, no symlink followed), `write` gets the open file's
 * own name, and the rename happens inside the same open directory: a folder swapped for a symlink
 * at any moment cannot make anything be written, or replaced, outside the roots.
 */
export async function writeAtomically<T>(
  output: string,
  roots: readonly string[] | undefined,
  write: (temp: string) => Promise<T>,
  guard: OutputGuard = {},
): Promise<Written<T>> {
  // Short and fixed: a temporary name built from a 255-byte file name would be too long.
  const tempName = `.framefleet-${randomBytes(6).toString('hex')}.part`;
  if (!roots) {
    const temp = join(dirname(output), tempName);
    try {
      const value = await write(temp);
      const size = (await stat(temp)).size;
      await place(temp, output, undefined, guard);
      return { value, size };
    } catch (cause) {
      return await folderFailure(output, temp, cause);
    } finally {
      // Not an error of its own: a folder that went away or became a file took the temp with it,
      // and the reason is already being thrown.
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
  const dir = await holdOutputDir(dirname(output), roots);
  const temp = `${dir.path}/${tempName}`;
  const final = `${dir.path}/${basename(output)}`;
  let file: FileHandle | undefined;
  try {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    file = await open(temp, flags, 0o644).catch((cause: unknown) => unwritable(output, cause));
    const local = handlePath(file, temp);
    const value = await write(local).catch((cause: unknown) => diskFull(output, local, cause));
    const written = await file.stat();
    await place(temp, output, final, guard);
    // Whatever took the temporary name meanwhile, what now has the output's name must be ours.
    const placed = await lstat(final);
    if (placed.ino !== written.ino || placed.dev !== written.dev) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `output ${show(output)} was replaced while it was published`,
      );
    }
    return { value, size: written.size };
  } finally {
    await file?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    await dir.close();
  }
}

/** What publishing may not clobber: an existing file unless `overwrite`, and never an input. */
export interface OutputGuard extends OutputTargetOptions {
  inputs?: readonly string[];
}

/** The output guard's publish (see publishOutput), with errno failures said as unwritable. */
async function place(
  temp: string,
  output: string,
  target: string | undefined,
  guard: OutputGuard,
): Promise<void> {
  try {
    await publishOutput(temp, output, guard.inputs ?? [], guard, target);
  } catch (cause) {
    if (cause instanceof FramefleetError) throw cause;
    unwritable(output, cause);
  }
}

function unwritable(output: string, cause: unknown): never {
  if (diskFullCode(cause)) throw noSpaceError(output, cause);
  const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
  throw new FramefleetError('OUTPUT_UNWRITABLE', `cannot write output ${show(output)} (${code})`, { cause });
}

/**
 * Rethrows a writer's errno of a full disk as NO_SPACE, naming the output where it was the
 * temporary file that did not fit (Node's message names that file), anything else as it is.
 */
function diskFull(output: string, temp: string, cause: unknown): never {
  if (cause instanceof FramefleetError || !diskFullCode(cause)) throw cause;
  const written = writtenPath(cause);
  throw noSpaceError(written === undefined || written === temp ? output : written, cause);
}

/** Errors of the output's folder itself, as opposed to the writer's own (a bad input, ffmpeg). */
const FOLDER_ERRORS = new Set(['ENOTDIR', 'ENOENT', 'EACCES', 'EPERM', 'EROFS']);

/**
 * Rethrows `cause`, as OUTPUT_UNWRITABLE naming the folder when it is a file-system error on the
 * output's folder or a path in it (the folder removed, made a file or read-only while the output
 * was written): that is the user's folder to fix, not an internal fault.
 */
async function folderFailure(output: string, temp: string, cause: unknown): Promise<never> {
  const error = cause as NodeJS.ErrnoException;
  const dir = dirname(resolve(output));
  const inFolder = typeof error.path === 'string' && (error.path === dir || dirname(error.path) === dir);
  if (diskFullCode(cause)) diskFull(output, temp, cause);
  if (cause instanceof FramefleetError || !error.code || !FOLDER_ERRORS.has(error.code) || !inFolder) {
    throw cause;
  }
  // A missing file in a folder that is fine is the writer's own failure (it made no output).
  const denied = error.code === 'EACCES' || error.code === 'EPERM' || error.code === 'EROFS';
  const problem =
    (await folderProblem(dir)) ??
    (denied
      ? `directory ${show(dir)} is not writable (${error.code === 'EROFS' ? 'read-only file system' : error.code})`
      : undefined);
  if (!problem) throw cause;
  throw new FramefleetError('OUTPUT_UNWRITABLE', `cannot write output ${show(output)}: ${problem}`, {
    cause,
  });
}
