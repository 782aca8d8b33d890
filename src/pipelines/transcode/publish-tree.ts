import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ExecutorContext } from '../../engine/types.js';
import { makeOutputDir, removeEmptyOutputDir, removeStale, writeOutput } from '../job-files.js';
import { refuseForeignFolders } from './ladder-folders.js';
import { INIT_NAME, MEDIA_PLAYLIST } from './ladder-package.js';
import type { PublishPayload } from './ladder-payloads.js';

/** The names a rendition folder's layout owns: its playlist, init segment and numbered segments. Pure. */
export function ownedByRendition(name: string): boolean {
  return name === MEDIA_PLAYLIST || name === INIT_NAME || /^seg-\d{5,}\.m4s$/.test(name);
}

/** One file of a rendition folder to publish: from the verified tree to the output folder. */
interface TreeFile {
  from: string;
  target: string;
  name: string;
}

/**
 * The order files are published in: every rendition's media (init and segments) before any
 * rendition playlist, so a playlist never names a file that is not there yet. Stable. Pure.
 */
export function publishOrder<T extends { name: string }>(files: readonly T[]): T[] {
  return [...files].sort((a, b) => Number(a.name === MEDIA_PLAYLIST) - Number(b.name === MEDIA_PLAYLIST));
}

/**
 * Media files first, each placed atomically inside the output roots; the rendition playlists after
 * all of them; the manifests last; then, with `overwrite`, the files a previous ladder of the same
 * names left that the new one does not list (its later segments), so the published folders hold
 * exactly the new ladder. Only layout names are removed. Without `overwrite` nothing is replaced or
 * removed: a folder holding anything but this publish's own files (an earlier attempt's) is refused
 * before anything is placed, and a file that appears meanwhile is not written over. A failure part
 * way (a full disk) removes what this publish placed and the folders it made: a playlist left
 * behind would name segments that never arrived.
 */
export async function publishTree(
  p: PublishPayload,
  dirs: string[],
  manifests: { path: string; text: string }[],
  ctx: ExecutorContext,
): Promise<void> {
  const overwrite = (ctx.spec as { overwrite?: boolean } | undefined)?.overwrite ?? p.overwrite;
  // The key file is read like the input: never written over, nor removed as a stale layout file.
  const inputs = [p.input, ...(p.hlsKey ? [p.hlsKey.file] : [])];
  const guard = { overwrite, inputs };
  const outDir = dirname(p.output);
  const listed = new Map<string, Set<string>>();
  const placed = new Map<string, Set<string>>();
  const made: string[] = [];
  const placedManifests: string[] = [];
  try {
    const files: TreeFile[] = [];
    const folders = dirs.map((tree) => ({ name: basename(tree), tree }));
    await refuseForeignFolders(p.output, folders, ctx, overwrite);
    for (const dir of dirs) {
      const target = join(outDir, basename(dir));
      // Through the output folder as it is checked now: a folder swapped for a link makes nothing outside.
      if (await makeOutputDir(target, ctx)) made.push(target);
      const names = (await readdir(dir)).sort();
      listed.set(target, new Set(names));
      placed.set(target, new Set());
      files.push(...names.map((name) => ({ from: join(dir, name), target, name })));
    }
    for (const f of publishOrder(files)) {
      await writeOutput(join(f.target, f.name), ctx, (tmp) => copyFile(f.from, tmp), guard);
      placed.get(f.target)!.add(f.name);
    }
    for (const m of manifests) {
      await writeOutput(m.path, ctx, (tmp) => writeFile(tmp, m.text), { overwrite, inputs });
      placedManifests.push(m.path);
    }
  } catch (error) {
    await unpublish(placed, placedManifests, made, inputs, ctx).catch(() => undefined);
    throw error;
  }
  if (!overwrite) return;
  for (const [target, keep] of listed) await removeStale(target, ctx, ownedByRendition, keep, inputs);
}

/** Removes what a failed publish placed, inside the roots that hold now; never an input. */
async function unpublish(
  placed: ReadonlyMap<string, ReadonlySet<string>>,
  manifests: readonly string[],
  made: readonly string[],
  inputs: readonly string[],
  ctx: ExecutorContext,
): Promise<void> {
  const none = new Set<string>();
  for (const path of manifests) {
    await removeStale(dirname(path), ctx, (name) => name === basename(path), none, inputs);
  }
  for (const [target, names] of placed) {
    await removeStale(target, ctx, (name) => names.has(name), none, inputs);
  }
  for (const target of made) await removeEmptyOutputDir(target, ctx);
}
