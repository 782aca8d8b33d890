import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { FramefleetError, show } from '../errors.js';
import { checkKey } from './keys.js';
import type { Storage } from './types.js';
import { inputCacheDir, WORK_PREFIXES } from './work-folders.js';

/**
 * Job inputs and outputs are local paths (a shared filesystem on a fleet) or `s3://` URLs that
 * name objects under the deployment's storage. ffmpeg only ever opens local files: a stored input
 * is downloaded once per worker process and kept in a size-capped cache, so the N segment tasks
 * of a job on one worker cost one download, and no network protocol is opened on user media.
 */
export function isStorageUrl(value: string): boolean {
  return /^s3:\/\//i.test(value);
}

/** True for values ffmpeg would treat as a URL or protocol ('http://', 'concat:', 'file:'). */
export function looksLikeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(value);
}

/** The storage key an `s3://` URL names; the URL must lie under the storage's own URL. */
export function storageKeyOf(url: string, storage: Storage, named = url): string {
  const root = storage.url.replace(/\/+$/, '') + '/';
  if (!url.startsWith(root) || url.length === root.length) {
    throw new FramefleetError(
      'PATH_FORBIDDEN',
      `${show(named)} is not an object under storage ${show(storage.url)}; give an s3:// URL inside it`,
    );
  }
  return url.slice(root.length);
}

/**
 * The key of an s3:// URL a confined job reads (`input`) or writes (`output`), refused with
 * PATH_FORBIDDEN as a path in the data dir is: never in a folder framefleet writes in its storage
 * (WORK_PREFIXES), nor an output in `uploads/`. Decided on the key S3 stores and on every reading of
 * it (percent-decoded, dot segments and doubled slashes resolved, case folded), never on the text
 * alone; the key must then be a valid one (checkKey).
 */
export function confinedStorageKey(
  url: string,
  storage: Storage,
  side: 'input' | 'output',
  what: string = side,
): string {
  const key = storageKeyOf(url, storage);
  const readings = [key, storageKeyOf(normalUrl(url), storage, url)].map((k) => k.toLowerCase());
  const own = side === 'input' ? WORK_PREFIXES : [...WORK_PREFIXES, 'uploads'];
  const folder = own.find((f) => readings.some((k) => k === f || k.startsWith(`${f}/`)));
  if (folder !== undefined) {
    const dir = `${storage.url.replace(/\/+$/, '')}/${folder}/`;
    throw new FramefleetError(
      'PATH_FORBIDDEN',
      `${what} ${show(url)} lies in framefleet's own folder ${show(dir)} (job state, intermediates, scratch, caches), where no job file may be`,
    );
  }
  return checkKey(key);
}

/** `url` percent-decoded until it no longer changes, `.`, `..` and empty segments resolved. */
function normalUrl(url: string): string {
  let text = url.replace(/^s3:\/\//i, '');
  for (let i = 0; i < 16; i++) {
    // Run by run: a stray `%` (`100%.mp4`) stays, and a run that is not UTF-8 gives up its ASCII.
    const decoded = text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run.replace(/%[0-7][0-9a-f]/gi, (e) => String.fromCharCode(parseInt(e.slice(1), 16)));
      }
    });
    if (decoded === text) break;
    text = decoded;
  }
  const parts: string[] = [];
  for (const part of text.split(/[\\/]+/)) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return `s3://${parts.join('/')}`;
}

/** What makes an input the same input: path, size and mtime (or the stored object's). */
export async function mediaIdentity(input: string, storage: Storage | undefined): Promise<string> {
  const info = !isStorageUrl(input)
    ? await stat(input).catch(() => undefined)
    : storage && (await storage.stat(storageKeyOf(input, storage)).catch(() => undefined));
  return info ? `${input}:${info.size}:${Math.round(info.mtimeMs)}` : input;
}

/**
 * One identity of many inputs (a montage's clips and music, a render's backgrounds and images):
 * the same files (path, size, mtime of every one) give the same hash, a file replaced another.
 */
export async function filesIdentity(
  inputs: readonly string[],
  storage: Storage | undefined,
): Promise<string> {
  const ids = await Promise.all(inputs.map((f) => mediaIdentity(f, storage)));
  return createHash('sha256').update(ids.join('\n')).digest('hex');
}

const downloads = new Map<string, Promise<string>>();
const RECENT_USE_MS = 60_000;

/** Where downloaded inputs are kept (outside every root), and how many bytes of them at most. */
const cacheDir = inputCacheDir;
function cacheLimitBytes(): number {
  const mb = Number(process.env.FRAMEFLEET_INPUT_CACHE_MB ?? 20_480);
  return (Number.isFinite(mb) && mb > 0 ? mb : 20_480) * 1024 * 1024;
}

/**
 * A local file ffmpeg can read for a media input: the path itself, the object's own path on a
 * filesystem storage, or a cached download of the object (same key, size and mtime reuse it).
 */
export async function localMedia(input: string, storage: Storage | undefined): Promise<string> {
  if (!isStorageUrl(input)) return input;
  if (!storage) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `input ${show(input)} needs a storage; run it on a fleet with --storage`,
    );
  }
  const key = storageKeyOf(input, storage);
  const direct = storage.localPath(key);
  if (direct) return direct;
  const object = await storage.stat(key);
  if (!object) throw new FramefleetError('INPUT_NOT_FOUND', `input ${show(input)} does not exist`);
  if (object.size === 0)
    throw new FramefleetError('INPUT_NOT_MEDIA', `input ${show(input)} is empty (0 bytes)`);
  const name = createHash('sha1')
    .update(`${storage.url}\n${key}\n${object.size}\n${Math.round(object.mtimeMs)}`)
    .digest('hex');
  const path = join(cacheDir(), `${name}${extname(key).slice(0, 16)}`);
  let pending = downloads.get(path);
  if (!pending) {
    pending = (async () => {
      const cached = await stat(path).catch(() => undefined);
      if (cached?.size === object.size) return path;
      await mkdir(cacheDir(), { recursive: true });
      await evict(object.size);
      // Storage.fetch downloads to a temporary name and renames: a half download is never seen.
      await storage.fetch(key, path);
      return path;
    })();
    downloads.set(path, pending);
    pending.catch(() => downloads.delete(path));
  }
  const local = await pending;
  // Every use refreshes the file's time: eviction goes by last use, and spares recent ones.
  const now = new Date();
  await utimes(local, now, now).catch(() => undefined);
  return local;
}

/** Frees room for `incoming` bytes by removing the least recently used cached inputs. */
async function evict(incoming: number): Promise<void> {
  const dir = cacheDir();
  const files = await Promise.all(
    (await readdir(dir).catch(() => [])).map(async (name) => {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      return info?.isFile() ? { path, size: info.size, used: info.mtimeMs } : undefined;
    }),
  );
  const cached = files.filter((f) => f !== undefined);
  let total = cached.reduce((sum, f) => sum + f.size, 0) + incoming;
  // A file used in the last minute may be about to be opened by a task of another process.
  const idle = Date.now() - RECENT_USE_MS;
  const present = cached.filter((f) => f.used < idle).sort((a, b) => a.used - b.used);
  for (const file of present) {
    if (total <= cacheLimitBytes()) break;
    await rm(file.path, { force: true });
    downloads.delete(file.path);
    total -= file.size;
  }
}
