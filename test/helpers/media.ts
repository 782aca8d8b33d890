import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg, runFfprobe } from '../../src/media/run.js';

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'ff-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The fastest x264 encode: fixtures whose pictures do not matter, only their frames and timing. */
export const FAST_X264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];

/** Plain ffmpeg with arguments, for test fixtures only. */
export async function ffmpeg(args: string[]): Promise<void> {
  await runFfmpeg(['-y', ...args], { timeoutMs: 120_000, label: 'test fixture' });
}

/** A stream as `ffprobe -show_streams` reports it: the fields tests read, and the rest. */
export interface ProbedStreamJson {
  index: number;
  codec_type: string;
  codec_name?: string;
  tags?: Record<string, string>;
  disposition?: Record<string, number>;
  [field: string]: unknown;
}

/** A file's streams, in order, as ffprobe reports them (to check an output against ffmpeg's own reading). */
export async function ffprobeStreams(path: string): Promise<ProbedStreamJson[]> {
  const { stdout } = await runFfprobe(['-show_streams', '-of', 'json', path], {
    timeoutMs: 30_000,
    label: 'test probe',
  });
  return (JSON.parse(stdout.toString()) as { streams?: ProbedStreamJson[] }).streams ?? [];
}

/** A copy of `from` whose first tkhd (the video track's, in ffmpeg's files) carries display matrix a b c d. */
export async function withMatrix(from: string, to: string, [a, b, c, d]: number[]): Promise<void> {
  const data = await readFile(from);
  const tkhd = data.indexOf('tkhd', 0, 'latin1');
  const at = tkhd + 4 + (data[tkhd + 4] === 1 ? 52 : 40);
  for (const [i, v] of [a, b, 0, c, d].entries()) data.writeInt32BE(v! * 0x10000, at + 4 * i);
  await writeFile(to, data);
}

/** `whole` from `fraction` of its bytes on, on a 188-byte TS packet boundary: a recording started late. */
export async function cutTs(whole: string, cut: string, fraction: number): Promise<void> {
  const bytes = await readFile(whole);
  await writeFile(cut, bytes.subarray(Math.floor((bytes.length * fraction) / 188) * 188));
}

/** Frames `first`..`first + count - 1` of a video (by decoded number), 32x18 grey each. */
export async function greyFrames(path: string, first: number, count: number): Promise<Buffer[]> {
  const { stdout } = await runFfmpeg(
    [
      ...['-i', path, '-vf', `select='between(n,${first},${first + count - 1})',scale=32:18:flags=area`],
      ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    ],
    { timeoutMs: 60_000, label: 'frames' },
  );
  return Array.from({ length: stdout.length / 576 }, (_, i) => stdout.subarray(i * 576, (i + 1) * 576));
}

/** Mean squared difference of two pictures of the same size. */
export const mse = (a: Buffer, b: Buffer): number =>
  a.reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0) / a.length;
