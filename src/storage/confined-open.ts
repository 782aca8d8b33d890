import { constants, existsSync } from 'node:fs';
import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FramefleetError, show } from '../errors.js';
import { insideRoots, refusalReason } from './path-policy.js';

/**
 * Opening a user's file inside the roots without a race (Linux). The file or directory is opened
 * first, with O_PATH (no read, no device side effects); the kernel's own name for what was opened
 * (/proc/self/fd/N) is then checked against the roots; and from then on everything, ffmpeg
 * included, reaches it through /proc/<pid>/fd/N, which names that open inode and cannot be
 * re-pointed by swapping a folder for a symlink. Elsewhere the real path is re-checked at use,
 * which narrows the window but does not close it.
 */
const PROC_FDS = process.platform === 'linux' && existsSync('/proc/self/fd');
// O_PATH is 010000000 on every Linux architecture Node runs on; Node does not export it.
const O_PATH = 0o10000000;

/** A held file or directory: `path` names exactly what was opened and checked. */
export interface Held {
  /** For this process and the processes it starts, for as long as the handle is open. */
  readonly path: string;
  /** Its real path when it was opened. */
  readonly real: string;
  close(): Promise<void>;
}

/** The name an open handle has for this process and its children; `fallback` where there is none. */
export function handlePath(handle: FileHandle, fallback: string): string {
  return PROC_FDS ? `/proc/${process.pid}/fd/${handle.fd}` : fallback;
}

async function hold(
  value: string,
  flags: number,
  roots: readonly string[],
  what: string,
  kind: 'file' | 'directory',
): Promise<Held> {
  const normal = path.normalize(value);
  if (!PROC_FDS) {
    const real = await realpath(normal).catch((cause: unknown) =>
      missing(value, normal, roots, what, kind, cause),
    );
    if (!insideRoots(real, roots)) throw outside(value, real, what, roots);
    return { path: real, real, close: async () => undefined };
  }
  let handle: FileHandle;
  try {
    handle = await open(normal, flags | O_PATH);
  } catch (cause) {
    return missing(value, normal, roots, what, kind, cause);
  }
  try {
    const real = await readlink(`/proc/self/fd/${handle.fd}`);
    if (!insideRoots(real, roots)) throw outside(value, real, what, roots);
    const info = await handle.stat();
    if (kind === 'file' && !info.isFile()) {
      throw new FramefleetError('INPUT_NOT_A_FILE', `${what} ${show(value)} is not a regular file`);
    }
    if (info.nlink === 0) throw new FramefleetError('INPUT_NOT_FOUND', `${what} ${show(value)} was deleted`);
    return { path: handlePath(handle, real), real, close: () => handle.close().catch(() => undefined) };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

function outside(value: string, real: string, what: string, roots: readonly string[]): FramefleetError {
  const why = refusalReason(real, value, roots, what);
  return new FramefleetError('PATH_FORBIDDEN', `${what} ${show(value)} ${why} (checked when the job ran)`);
}

function missing(
  value: string,
  normal: string,
  roots: readonly string[],
  what: string,
  kind: 'file' | 'directory',
  cause: unknown,
): never {
  // "Forbidden" before "missing" outside the roots, so probing for files reveals nothing.
  if (!insideRoots(normal, roots)) throw outside(value, normal, what, roots);
  const code = (cause as NodeJS.ErrnoException).code;
  if (kind === 'directory') {
    const message = `${what} directory ${show(value)} cannot be opened (${code})`;
    throw new FramefleetError('OUTPUT_UNWRITABLE', message, { cause });
  }
  const why = code === 'ENOENT' ? 'does not exist' : `cannot be opened (${code})`;
  throw new FramefleetError('INPUT_NOT_FOUND', `${what} ${show(value)} ${why}`, { cause });
}

/** Opens an input file and proves it is a regular file under one of the roots, now. */
export function holdInputFile(value: string, roots: readonly string[]): Promise<Held> {
  return hold(value, constants.O_RDONLY, roots, 'input', 'file');
}

/** Opens an output file to re-read it (a checkpoint), proving it lies under the output roots. */
export function holdOutputFile(value: string, roots: readonly string[]): Promise<Held> {
  return hold(value, constants.O_RDONLY, roots, 'output', 'file');
}

/**
 * Opens a file under the output roots to send it to a client: no symlink in its last part, and only
 * a regular file is opened for reading (a FIFO or a device swapped in is refused without blocking a
 * thread or touching it). The handle reads the very inode that was checked.
 *
 * A file with more than one hard link is refused too: its other name may lie outside the roots,
 * where no real path can see it. framefleet's own outputs have one link once published (the
 * publishing link's temporary name is removed at once), so only a link someone else made is.
 */
export async function openOutputForRead(value: string, roots: readonly string[]): Promise<FileHandle> {
  const held = await hold(value, constants.O_NOFOLLOW, roots, 'output', 'file');
  let handle: FileHandle | undefined;
  try {
    // Elsewhere the real path was checked just now; O_NONBLOCK keeps a FIFO from hanging the open.
    const flags = PROC_FDS
      ? constants.O_RDONLY
      : constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    handle = await open(held.path, flags);
    const { nlink } = await handle.stat();
    if (nlink > 1) {
      throw new FramefleetError(
        'PATH_FORBIDDEN',
        `output ${show(value)} has ${nlink} hard links; a file with another name elsewhere is not served`,
      );
    }
    return handle;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw error;
  } finally {
    await held.close();
  }
}

/** Opens the directory an output goes into and proves it lies under one of the output roots, now. */
export function holdOutputDir(dir: string, roots: readonly string[]): Promise<Held> {
  return hold(dir, constants.O_DIRECTORY, roots, 'output', 'directory');
}
