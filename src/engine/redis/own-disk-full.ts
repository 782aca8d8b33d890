import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { FramefleetError } from '../../errors.js';
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

/** Whether `path` is `root` or below it. Pure. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel.split(sep)[0] !== '..' && !isAbsolute(rel);
}

/** The device of the file system holding `path` (its nearest folder that exists). */
function deviceOf(path: string): number | undefined {
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      return statSync(at).dev;
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}
