import { readFile } from 'node:fs/promises';
import { replaceFile } from '../storage/replace-file.js';

/** How many keys a cache file keeps: the most recently written. */
const KEPT = 8;

interface Entry<T> {
  key: string;
  /** When it was written (ms since the epoch). */
  at: number;
  value: T;
}

// Small JSON files of facts learned about one ffmpeg build on one host (its version, which encoders
// pass a smoke encode). Each keeps several builds side by side: with one, runs that alternate between
// two builds (a wrapper in FFMPEG_PATH, a second install) replaced each other's, and every switch
// paid the checks again (about 8 ffmpeg runs).

/** The value written for `key`, unless it is older than `maxAgeMs`; undefined when none. */
export async function readKeyed<T>(file: string, key: string, maxAgeMs = Infinity): Promise<T | undefined> {
  const entry = (await entriesIn<T>(file)).find((e) => e.key === key);
  return entry && Date.now() - entry.at <= maxAgeMs ? entry.value : undefined;
}

/** Writes `value` for `key` in place of its last one, keeping the other keys most recent first. */
export async function writeKeyed<T>(file: string, key: string, value: T): Promise<void> {
  const others = (await entriesIn<T>(file)).filter((e) => e.key !== key);
  const entries = [{ key, at: Date.now(), value }, ...others].slice(0, KEPT);
  await replaceFile(file, JSON.stringify({ entries }));
}

async function entriesIn<T>(file: string): Promise<Entry<T>[]> {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { entries?: unknown };
    if (!Array.isArray(saved.entries)) return [];
    return (saved.entries as Partial<Entry<T>>[]).filter(
      (e): e is Entry<T> => typeof e?.key === 'string' && typeof e.at === 'number' && e.value !== undefined,
    );
  } catch {
    // Missing, unreadable or of an older layout: nothing learned yet.
    return [];
  }
}
