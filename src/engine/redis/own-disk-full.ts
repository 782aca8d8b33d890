import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { atNearest, type FramefleetError } from '../../errors.js';
import { holds } from '../../storage/path-policy.js';
import type { Storage } from '../../storage/types.js';

/**
 * The file a NO_SPACE error could not write, where the full disk is this worker's own: the file is
 * under one of `roots` (its scratch folder, its input cache) and not on the file system that holds
 * the shared storage (there a retry anywhere fills the same disk). Undefined for any other error:
 * a full output or storage disk stays fatal.
 */
export function ownDiskFull(
  error: FramefleetError,
  roots: readonly string[],
  storage: Storage,
): string | undefined {
  const path = error.code === 'NO_SPACE' ? error.details?.path : undefined;
  if (typeof path !== 'string' || !isAbsolute(path)) return undefined;
  if (!roots.some((root) => root !== '' && isInside(root, path))) return undefined;
  const shared = storage.localPath('scratch');
  if (shared !== undefined) {
    const [disk, storageDisk] = [deviceOf(path), deviceOf(shared)];
    if (disk === undefined || disk === storageDisk) return undefined;
  }
  return path;
}

/** Whether `path` is `root` or below it, both resolved (the roots' own test, path-policy's holds). Pure. */
export function isInside(root: string, path: string): boolean {
  return holds(resolve(root), resolve(path));
}

/** The device of the file system holding `path` (its nearest folder that exists). */
function deviceOf(path: string): number | undefined {
  return atNearest(resolve(path), (at) => statSync(at).dev);
}
