import { access, constants, link, lstat, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FramefleetError, show } from '../errors.js';
import { isStorageUrl, storageKeyOf } from './media-io.js';
import type { Storage } from './types.js';

/**
 * Nothing a user owns is overwritten unasked. Every command and job that writes a file checks its
 * output here before any work (an output that is one of its inputs, an existing file without
 * `overwrite`, a missing or unwritable directory) and publishes it with `publishOutput`, which
 * checks again at the moment of the rename.
 */
export interface OutputTargetOptions {
  /** Replace an existing file (never an input). */
  overwrite?: boolean;
  /** A stored output (s3://) is checked against this storage. */
  storage?: Storage | undefined;
  /** How the caller asks for a replacement, named in the refusal ("give -y/--overwrite"). */
  overwriteHint?: string;
}

/** The hint an API caller gets; a command names its own flag instead (see `overwriteHint`). */
export const API_HINT = 'set `overwrite: true` in the spec to replace it';

/** Refuses an output that is an input, that exists without `overwrite`, or whose folder is missing. */
export async function checkOutputTarget(
  output: string,
  inputs: readonly string[],
  options: OutputTargetOptions = {},
): Promise<void> {
  if (isStorageUrl(output)) return checkStoredOutput(output, inputs, options);
  const path = resolve(output);
  const dir = dirname(path);
  const problem = await folderProblem(dir);
  if (problem) {
    throw new FramefleetError('OUTPUT_UNWRITABLE', `cannot write output ${show(output)}: ${problem}`);
  }
  await access(dir, constants.W_OK).catch((cause: unknown) => {
    throw new FramefleetError(
      'OUTPUT_UNWRITABLE',
      `cannot write output ${show(output)}: directory ${show(dir)} is not writable`,
      { cause },
    );
  });
  await refuseInputs(path, output, inputs);
  const existing = await lstat(path).catch(() => undefined);
  if (!existing) return;
  if ((await stat(path).catch(() => existing)).isDirectory()) {
    throw new FramefleetError('OUTPUT_UNWRITABLE', `output ${show(output)} is a directory; name a file`);
  }
  if (!options.overwrite) throw outputExists(output, options.overwriteHint);
}

/** OUTPUT_EXISTS for `output`, with the way to replace it (`overwriteHint`, the API's by default). */
export function outputExists(output: string, overwriteHint = API_HINT): FramefleetError {
  return new FramefleetError('OUTPUT_EXISTS', `output ${show(output)} already exists; ${overwriteHint}`);
}

/**
 * What is wrong with an output's folder, said so that the user can fix it, or undefined when it is
 * a directory: missing, a file where the folder should be, or a file further up its path.
 */
export async function folderProblem(dir: string): Promise<string | undefined> {
  try {
    const info = await stat(dir);
    return info.isDirectory() ? undefined : `${show(dir)} is a file, not a directory`;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `directory ${show(dir)} does not exist`;
    if (code === 'ENOTDIR') return `${show(dir)} is not a directory: a part of its path is a file`;
    return `directory ${show(dir)} cannot be read (${code ?? String(cause)})`;
  }
}

/**
 * Moves a finished temporary file to `output`. Without `overwrite` the move is a hard link that
 * fails if anything appeared there meanwhile (no check-then-rename race); a file that is byte for
 * byte what this attempt made is an earlier attempt's result (tasks run at least once), not the
 * user's, and counts as published. `target` is the name to place it under when that differs from
 * the output as the user named it (a path through an open, checked directory).
 */
export async function publishOutput(
  temp: string,
  output: string,
  inputs: readonly string[],
  options: OutputTargetOptions = {},
  target?: string,
): Promise<void> {
  const path = target ?? resolve(output);
  await refuseInputs(path, output, inputs);
  if (options.overwrite) {
    await rename(temp, path);
    return;
  }
  try {
    await link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (await sameBytes(temp, path)) return void (await unlink(temp));
      throw new FramefleetError(
        'OUTPUT_EXISTS',
        `output ${show(output)} appeared while the job ran; it was left as it is (${options.overwriteHint ?? API_HINT})`,
      );
    }
    // Filesystems without hard links (some network and FUSE mounts): check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
    if (await lstat(path).catch(() => undefined)) {
      throw new FramefleetError('OUTPUT_EXISTS', `output ${show(output)} appeared while the job ran`);
    }
    await rename(temp, path);
    return;
  }
  await unlink(temp);
}

/** Same real path or same file (device and inode: a hard link, or a symlink to it). */
async function refuseInputs(path: string, output: string, inputs: readonly string[]): Promise<void> {
  const target = await stat(path).catch(() => undefined);
  for (const input of inputs) {
    if (isStorageUrl(input)) continue;
    const same =
      resolve(input) === path ||
      (target !== undefined &&
        (await stat(input).then(
          (i) => i.dev === target.dev && i.ino === target.ino,
          () => false,
        )));
    if (same) {
      throw new FramefleetError(
        'OUTPUT_IS_INPUT',
        `output ${show(output)} is the input ${show(input)}${resolve(input) === path ? '' : ' (the same file by another name)'}; choose another path`,
      );
    }
  }
}

async function checkStoredOutput(
  output: string,
  inputs: readonly string[],
  options: OutputTargetOptions,
): Promise<void> {
  if (inputs.includes(output)) {
    throw new FramefleetError('OUTPUT_IS_INPUT', `output ${show(output)} is the input; choose another key`);
  }
  if (!options.storage) return;
  const key = storageKeyOf(output, options.storage);
  if (!options.overwrite && (await options.storage.stat(key)))
    throw outputExists(output, options.overwriteHint);
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  // Only a regular file can be an earlier attempt's: opening a FIFO to read it would wait forever.
  if (!(await lstat(b).catch(() => undefined))?.isFile()) return false;
  const fb = await open(b, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    () => undefined,
  );
  if (!fb) return false;
  const fa = await open(a, 'r').catch(async (error: unknown) => {
    await fb.close();
    throw error;
  });
  try {
    const [sa, sb] = await Promise.all([fa.stat(), fb.stat()]);
    if (sa.size !== sb.size) return false;
    const [ba, bb] = [Buffer.alloc(1 << 20), Buffer.alloc(1 << 20)];
    for (let at = 0; at < sa.size; at += ba.length) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, at), fb.read(bb, 0, bb.length, at)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
    return true;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}
