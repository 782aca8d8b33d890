import { existsSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FramefleetError, show } from '../errors.js';

/** A URL (scheme://...), also once resolved as a path (`/work/https:/host/...`). */
const URL_LIKE = /(^|\/)[a-z][a-z0-9+.-]+:\/\/?[^/\s]/i;
const URL_REFUSED =
  'is a URL; framefleet reads files (local ones, or keys of its configured storage): download it first';

/**
 * Refuses `value` as typed where it is a URL and no such file exists, before it is resolved to a
 * path (`https://host/a.mp4` would be named `/work/https:/host/a.mp4`).
 */
export function refuseUrl(value: string, what: string): void {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(value) && !existsSync(value))
    throw new FramefleetError('INPUT_NOT_FOUND', `${what} ${show(value)} ${URL_REFUSED}`);
}

/**
 * A file a command reads, named `what` in messages ('input', 'render spec'): missing, or not a
 * regular file (it should be `expected`, 'a media file'), is refused with the path named. A FIFO,
 * socket or device is refused before any reader opens it: opening a named pipe waits for a writer
 * that may never come, and a device never ends.
 */
export async function statFile(path: string, what: string, expected: string): Promise<Stats> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (cause) {
    const why = URL_LIKE.test(path) ? URL_REFUSED : 'does not exist';
    throw new FramefleetError('INPUT_NOT_FOUND', `${what} ${show(path)} ${why}`, { cause });
  }
  const kind = notAFile(info);
  if (kind)
    throw new FramefleetError('INPUT_NOT_A_FILE', `${what} ${show(path)} is ${kind}, not ${expected}`);
  return info;
}

/** The input as a media file ({@link statFile}); an empty one is refused too. */
export async function statInput(path: string): Promise<Stats> {
  const info = await statFile(path, 'input', 'a media file');
  if (info.size === 0) throw new FramefleetError('INPUT_NOT_MEDIA', `input ${show(path)} is empty (0 bytes)`);
  return info;
}

/** What a path that is not a regular file is ('a directory', ...); undefined for a regular file. */
export function notAFile(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}
