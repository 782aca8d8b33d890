import { constants } from 'node:fs';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FramefleetError, show } from '../../errors.js';
import { holdOutputDir } from '../../storage/confined-open.js';
import { API_HINT } from '../../storage/output-target.js';
import { currentRoots, type PathScope } from '../../storage/path-policy.js';

/** A rendition folder next to the output: its name, and where this publish's own copy of it is (absent: none yet). */
export interface LadderFolder {
  name: string;
  tree?: string;
}

/**
 * Refuses, without `overwrite`, a rendition folder the ladder would write into that exists and is
 * not its own: a link or anything but a folder, or a folder holding anything but byte-for-byte
 * copies of this publish's files (an earlier attempt's, where `tree` is given). Decided on the
 * folders as they are now: with roots, through the output's folder opened and checked inside them.
 * Nothing a user put there is replaced or removed unasked (OUTPUT_EXISTS, one line naming the folder).
 */
export async function refuseForeignFolders(
  output: string,
  folders: readonly LadderFolder[],
  scope: PathScope,
  overwrite: boolean,
): Promise<void> {
  if (overwrite || folders.length === 0) return;
  const roots = await currentRoots(scope);
  const parent = roots ? await holdOutputDir(dirname(output), roots.output) : undefined;
  try {
    const base = parent?.path ?? dirname(output);
    for (const folder of folders) {
      const why = await foreign(`${base}/${folder.name}`, folder.tree);
      if (why === undefined) continue;
      const dir = join(dirname(output), folder.name);
      throw new FramefleetError(
        'OUTPUT_EXISTS',
        `ladder folder ${show(dir)} already exists ${why}; ${API_HINT}`,
      );
    }
  } finally {
    await parent?.close();
  }
}

/** Why folder `at` is not the ladder's to write into, or undefined (absent, empty, or only `tree`'s files). */
async function foreign(at: string, tree: string | undefined): Promise<string | undefined> {
  const info = await lstat(at).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isDirectory()) return info.isSymbolicLink() ? 'as a link' : 'and is not a folder';
  const names = await readdir(at).catch(() => undefined);
  if (!names) return 'and cannot be read';
  for (const name of names.sort()) {
    if (!tree) return `and is not empty (it holds ${show(name)})`;
    if (!(await sameFile(join(tree, basename(name)), `${at}/${name}`))) {
      return `and holds a file this ladder did not write (${show(name)})`;
    }
  }
  return undefined;
}

/** Whether `theirs` is a regular file with exactly the bytes of `ours` (never opening a FIFO or a link). */
async function sameFile(ours: string, theirs: string): Promise<boolean> {
  const [a, b] = await Promise.all([lstat(ours), lstat(theirs)].map((p) => p.catch(() => undefined)));
  if (!a?.isFile() || !b?.isFile() || a.size !== b.size) return false;
  const file = await open(theirs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    () => undefined,
  );
  if (!file) return false;
  try {
    return (await file.readFile()).equals(await readFile(ours));
  } finally {
    await file.close();
  }
}
