import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorContext } from '../../engine/types.js';
import { mediaIdentity } from '../../storage/media-io.js';

/** Bumped whenever an analysis changes what it stores or finds (3: scene cuts where the picture steps; 4: an MPEG-TS clip's keyframes): older entries are then never read. */
const CACHE_VERSION = 4;

/** Storage key of one analysis of one input: its kind and the input's identity (path, size, mtime). */
export async function cacheKey(kind: string, input: string, ctx: Pick<ExecutorContext, 'storage'>) {
  const identity = await mediaIdentity(input, ctx.storage);
  const hash = createHash('sha256').update(`${kind}\n${CACHE_VERSION}\n${identity}`).digest('hex');
  return `cache/montage/${kind}/${hash.slice(0, 40)}.json`;
}

/**
 * An analysis of `input`, read from the job storage's cache when the same input (same path, size
 * and mtime) was analysed before, else computed and stored there for the next montage. A cache
 * entry that cannot be read is recomputed, never trusted.
 */
export async function cachedAnalysis<T>(
  kind: string,
  input: string,
  ctx: ExecutorContext,
  compute: () => Promise<T>,
): Promise<{ value: T; cached: boolean }> {
  const key = await cacheKey(kind, input, ctx);
  if (await ctx.storage.stat(key).catch(() => undefined)) {
    try {
      const local =
        ctx.storage.localPath(key) ?? (await ctx.storage.fetch(key, join(ctx.scratchDir, 'cached.json')));
      return { value: JSON.parse(await readFile(local, 'utf8')) as T, cached: true };
    } catch (error) {
      ctx.log.warn({ key, error: String(error) }, 'unreadable analysis cache entry; analysing again');
    }
  }
  const value = await compute();
  const tmp = join(ctx.scratchDir, `${kind}.json`);
  await writeFile(tmp, JSON.stringify(value));
  await ctx.storage.put(key, tmp, { move: true });
  return { value, cached: false };
}
