import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { FramefleetError, show } from '../../errors.js';

/** File names a clip folder contributes (others, like .txt or .DS_Store, are left out). */
const VIDEO_EXTENSIONS = new Set([
  '.mp4',
  '.m4v',
  '.mov',
  '.mkv',
  '.webm',
  '.avi',
  '.mts',
  '.m2ts',
  '.mxf',
  '.ts',
  '.mpg',
  '.mpeg',
  '.3gp',
  '.flv',
  '.wmv',
  '.gif',
]);

/**
 * Clips as files: folders become their video files in name order; an empty folder is refused. A
 * file named twice (itself and in its folder) is one clip, where it first came.
 * The CLI's `--clips` and the server's montage specs (after the folder is confined) both use it.
 */
export async function expandClips(given: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  // An empty path would be the current folder, and its videos the clips.
  if (given.some((p) => p.trim() === ''))
    throw new FramefleetError('INVALID_ARGUMENT', 'a clip path is empty: name a file or folder');
  for (const path of given.map((p) => resolve(p))) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      out.push(path);
      continue;
    }
    const names = (await readdir(path)).filter(
      (n) => !n.startsWith('.') && VIDEO_EXTENSIONS.has(extname(n).toLowerCase()),
    );
    if (names.length === 0) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `clip folder ${show(path)} has no video files (${[...VIDEO_EXTENSIONS].join(', ')})`,
      );
    }
    out.push(...names.sort().map((n) => join(path, n)));
  }
  return [...new Set(out)];
}
