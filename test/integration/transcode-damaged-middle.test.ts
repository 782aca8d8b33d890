import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/**
 * Garbage over a few KB in the middle of a file: ffmpeg loses a frame or more there and goes on, the
 * next frame (or, on a constant-rate timeline, a repeat) taking its place. Split in segments, an
 * MP4 failed the stitch's A/V check three times (VERIFY_FAILED, exit 1), and a damaged MPEG-TS
 * (whose lost packets make it look variable-rate) had its missing frames filled with repeats and
 * verified with exit 0.
 */
describe('transcode of a file damaged in the middle', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  /** Overwrites `length` bytes at `fraction` of the file with a fixed pattern of garbage. */
  const damage = async (from: string, to: string, fraction: number, length: number) => {
    const data = await readFile(from);
    const at = Math.floor(data.length * fraction);
    for (let i = at; i < at + length; i++) data[i] = (i * 7919 + 17) % 251;
    await writeFile(to, data);
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-damaged-'));
    await mkdir(join(dir, 'out'));
    const clip = join(dir, 'clip.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440'],
      ...['-t', '6', '-c:v', 'libx264', '-g', '25', '-c:a', 'aac', '-shortest', clip],
    ]);
    await ffmpeg(['-i', clip, '-c', 'copy', '-f', 'mpegts', join(dir, 'clip.ts')]);
    await damage(clip, join(dir, 'damaged.mp4'), 0.5, 4096);
    await damage(join(dir, 'clip.ts'), join(dir, 'damaged.ts'), 0.45, 16384);
    await copyFile(clip, join(dir, 'intact.mp4'));
  }, 120_000);
  afterAll(() => cleanup());

  it.each([
    [
      'damaged.mp4',
      3,
      /a frame between \d+\.\d\d s and \d+\.\d\d s could not be read \(Error while decoding/,
    ],
    // One pass comes out short, and says by how many frames.
    ['damaged.mp4', 1, /\d+ of its frames could not be decoded/],
    ['damaged.ts', 3, /a frame near \d+\.\d\d s could not be read \(corrupt input packet/],
    ['damaged.ts', 1, /a frame near \d+\.\d\d s could not be read \(corrupt input packet/],
  ])('%s in %i segments: INPUT_CORRUPT once, exit 2, nothing written', async (name, segments, where) => {
    const output = join(dir, 'out', `${name}-${segments}.mp4`);
    const args = ['transcode', join(dir, name), '-o', output, '--segments', String(segments)];
    const result = await runCli([...args, '--data-dir', join(dir, `data-${name}-${segments}`)], {}, 90_000);
    const lines = result.stderr.trim().split('\n');
    expect(result.code, result.stderr).toBe(2);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^framefleet: error: input \`.*${name.replace('.', '\\.')}\` is corrupt: `),
    );
    expect(lines.at(-1)).toMatch(where);
    expect(lines.at(-1)).toMatch(/\[INPUT_CORRUPT\]$/);
    // Not retried, printed once.
    expect(lines.filter((l) => /failed \(attempt/.test(l))).toHaveLength(0);
    expect(lines.filter((l) => /is corrupt/.test(l))).toHaveLength(1);
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('the same file undamaged transcodes in segments', async () => {
    const output = join(dir, 'intact-out.mp4');
    const args = ['transcode', join(dir, 'intact.mp4'), '-o', output, '--segments', '3', '-q'];
    const result = await runCli([...args, '--data-dir', join(dir, 'data-intact')], {}, 90_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/verified: 150 frames = source/);
  });
});
