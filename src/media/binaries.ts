import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { FramefleetError } from '../errors.js';
import { readKeyed, writeKeyed } from './keyed-cache.js';
import { userCacheDir } from './user-cache.js';

const execFileAsync = promisify(execFile);

export const MIN_FFMPEG_MAJOR = 5;

export interface Binaries {
  ffmpeg: string;
  ffprobe: string;
}

export function binaries(env: NodeJS.ProcessEnv = process.env): Binaries {
  return { ffmpeg: env.FFMPEG_PATH || 'ffmpeg', ffprobe: env.FFPROBE_PATH || 'ffprobe' };
}

export interface FfmpegVersion {
  text: string;
  major: number;
  minor: number;
}

/** Parses the first line of `ffmpeg -version`; git builds ("N-12345-g...") count as new. */
export function parseFfmpegVersion(firstLine: string): FfmpegVersion {
  const match = /version\s+n?(\d+)\.(\d+)/.exec(firstLine);
  if (match) return { text: firstLine.trim(), major: Number(match[1]), minor: Number(match[2]) };
  if (/version\s+N-\d+/.test(firstLine)) return { text: firstLine.trim(), major: 99, minor: 0 };
  return { text: firstLine.trim(), major: 0, minor: 0 };
}

let checked: Promise<FfmpegVersion> | undefined;

/** Finds ffmpeg and ffprobe and refuses versions older than 5, once per process. */
export function ensureFfmpeg(bins: Binaries = binaries()): Promise<FfmpegVersion> {
  checked ??= (async () => {
    // Two `-version` runs cost two process starts (ffmpeg links dozens of libraries): a CLI
    // command pays them only when either binary changed since the last check on this machine.
    const key = await binariesKey(bins);
    const cached = key ? await readCachedVersion(key) : undefined;
    const [version] = cached
      ? [cached]
      : await Promise.all([
          readVersion(bins.ffmpeg, 'FFMPEG_PATH'),
          readVersion(bins.ffprobe, 'FFPROBE_PATH'),
        ]);
    if (version.major < MIN_FFMPEG_MAJOR) {
      throw new FramefleetError(
        'FFMPEG_TOO_OLD',
        `ffmpeg ${version.major}.${version.minor} at \`${bins.ffmpeg}\` is too old; framefleet needs ffmpeg >= ${MIN_FFMPEG_MAJOR} (apt-get install ffmpeg, or set FFMPEG_PATH)`,
      );
    }
    if (key && !cached) await writeCachedVersion(key, version);
    return version;
  })();
  checked.catch(() => (checked = undefined));
  return checked;
}

/** Where the last version check is remembered: the user's cache folder, keyed by the binaries. */
function versionCacheFile(): string {
  return join(userCacheDir(), 'ffmpeg-version.json');
}

/**
 * The identity of the ffmpeg and ffprobe this process runs (real path, size, mtime, inode of each),
 * or undefined when either is not found: what facts learned about them are remembered under.
 */
export function binariesIdentity(bins: Binaries = binaries()): Promise<string | undefined> {
  return binariesKey(bins);
}

/** Both binaries as found on PATH, by real path, size, mtime and inode; undefined if either is missing. */
async function binariesKey(bins: Binaries): Promise<string | undefined> {
  const ids = await Promise.all([bins.ffmpeg, bins.ffprobe].map(identify));
  return ids.every(Boolean) ? ids.join('|') : undefined;
}

async function identify(bin: string): Promise<string | undefined> {
  const dirs = bin.includes('/') ? [''] : (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const path = dir ? join(dir, bin) : bin;
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && info.mode & 0o111) {
      const real = await realpath(path).catch(() => path);
      return `${real}:${info.size}:${Math.round(info.mtimeMs)}:${info.ino}`;
    }
  }
  return undefined;
}

async function readCachedVersion(key: string): Promise<FfmpegVersion | undefined> {
  return readKeyed<FfmpegVersion>(versionCacheFile(), key);
}

async function writeCachedVersion(key: string, version: FfmpegVersion): Promise<void> {
  // A read-only home only costs the check again next time.
  await writeKeyed(versionCacheFile(), key, version).catch(() => undefined);
}

async function readVersion(bin: string, envName: string): Promise<FfmpegVersion> {
  try {
    const { stdout } = await execFileAsync(bin, ['-version'], { timeout: 15_000 });
    return parseFfmpegVersion(stdout.split('\n')[0] ?? '');
  } catch (cause) {
    throw new FramefleetError(
      'FFMPEG_MISSING',
      `cannot run \`${bin}\`: install ffmpeg (Debian/Ubuntu package 'ffmpeg') or set ${envName}`,
      { cause },
    );
  }
}
