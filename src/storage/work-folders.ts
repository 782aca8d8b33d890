import { readdir, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Storage } from './types.js';

/** Where fleet workers on this machine keep per-attempt scratch folders (src/worker/fleet-worker.ts). */
export const WORKER_SCRATCH_ROOT = path.join(tmpdir(), 'framefleet-worker');

/** Where downloaded inputs are kept (src/storage/media-io.ts), shared by every job on the machine. */
export function inputCacheDir(): string {
  return process.env.FRAMEFLEET_INPUT_CACHE ?? path.join(tmpdir(), 'framefleet-inputs');
}

/**
 * The storage key prefixes framefleet writes itself: intermediates (`scratch/<job>/`), attempts'
 * temp files (`tmp/`), the montage analysis cache (`cache/`) and a local data dir's job state
 * (`jobs/`). Not `uploads/`: the uploads folder is an input root.
 */
export const WORK_PREFIXES = ['scratch', 'tmp', 'cache', 'jobs'] as const;

/** The real path of a folder that may not exist yet: its deepest existing ancestor's, plus the rest. */
export async function canonicalPath(dir: string): Promise<string> {
  const missing: string[] = [];
  let existing = path.resolve(dir);
  for (;;) {
    try {
      return path.join(await realpath(existing), ...missing);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return path.resolve(dir);
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

/**
 * The folders holding framefleet's own files, which no job file may be in (canonical, whether they
 * exist yet or not): the work prefixes of a storage on this machine's filesystem, `dirs` (data dirs),
 * the fleet workers' scratch and the input cache. Other folders beside them in the storage, such as
 * an inbox or an outbox, are not among them.
 */
export async function workFolders(storage: Storage, dirs: readonly string[] = []): Promise<string[]> {
  const inStorage = WORK_PREFIXES.map((prefix) => storage.localPath(prefix));
  const all = [...inStorage, ...dirs, WORKER_SCRATCH_ROOT, inputCacheDir()];
  const out = new Set<string>();
  for (const dir of all) if (dir !== undefined) out.add(await canonicalPath(dir));
  return [...out];
}

/** Bytes of every file under `dir` (what a published ladder takes). */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath ?? entry.path, entry.name))).size;
  }
  return total;
}
