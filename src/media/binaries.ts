import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FramefleetError } from '../errors.js';

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
    const version = await readVersion(bins.ffmpeg, 'FFMPEG_PATH');
    await readVersion(bins.ffprobe, 'FFPROBE_PATH');
    if (version.major < MIN_FFMPEG_MAJOR) {
      throw new FramefleetError(
        'FFMPEG_TOO_OLD',
        `ffmpeg ${version.major}.${version.minor} at \`${bins.ffmpeg}\` is too old; framefleet needs ffmpeg >= ${MIN_FFMPEG_MAJOR} (apt-get install ffmpeg, or set FFMPEG_PATH)`,
      );
    }
    return version;
  })();
  checked.catch(() => (checked = undefined));
  return checked;
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
