import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../src/media/run.js';
import { makeMontageMusic } from '../../bench/lib/montage-media.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, ffprobeStreams, tempDir, withMatrix } from '../helpers/media.js';

/** One RGB frame (at `time` seconds) of a video `width` x `height`. */
async function rgbFrame(path: string, time: number): Promise<Buffer> {
  const { stdout } = await runFfmpeg(
    [
      ...['-ss', time.toFixed(3), '-i', path, '-frames:v', '1'],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ],
    { timeoutMs: 30_000, label: 'frame' },
  );
  return stdout;
}

/**
 * The white box's width and height at the centre of a frame: the runs of white pixels (all three
 * channels over 200: the colour bars around it each lack one) through the centre, across and down.
 */
function boxAtCentre(rgb: Buffer, width: number, height: number): { w: number; h: number } {
  const white = (x: number, y: number) =>
    Math.min(...rgb.subarray(3 * (y * width + x), 3 * (y * width + x) + 3)) > 200;
  const run = (n: number, at: (i: number) => boolean, c: number) => {
    let a = c;
    while (a > 0 && at(a - 1)) a--;
    let b = c;
    while (b < n - 1 && at(b + 1)) b++;
    return b - a + 1;
  };
  const cx = width >> 1;
  const cy = height >> 1;
  return { w: run(width, (x) => white(x, cy), cx), h: run(height, (y) => white(cx, y), cy) };
}

/** The darkest pixel of a column: a bar of padding is black (16 in limited range, ~0 in RGB). */
function columnMax(rgb: Buffer, width: number, height: number, x: number): number {
  let max = 0;
  for (let y = 0; y < height; y++)
    max = Math.max(max, ...rgb.subarray(3 * (y * width + x), 3 * (y * width + x) + 3));
  return max;
}

// Found by a new user's trial: anamorphic sources (non-square pixels: 720x480 shown at 16:9) were
// fitted by their stored size, ignoring the sample aspect ratio: a `fit` background letterboxed a
// 16:9 picture as 3:2 (bars at the sides) and the square box came out 27/32 as wide as tall, in
// render and montage alike.
describe('anamorphic sources', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clip: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-anamorphic-'));
    clip = join(dir, 'anam.mp4');
    // 854x480 with a 200x200 white square in the middle, stored 720x480 with pixels 32:27 wide.
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=854x480:r=30:d=4'],
      ...['-vf', 'drawbox=x=327:y=140:w=200:h=200:color=white:t=fill,scale=720:480,setsar=32/27'],
      ...FAST_X264,
      ...['-pix_fmt', 'yuv420p', clip],
    ]);
  }, 60_000);
  afterAll(() => cleanup());

  async function render(name: string, size: [number, number], background: Record<string, unknown>) {
    const spec = join(dir, `${name}.json`);
    const output = join(dir, `${name}.mp4`);
    const [width, height] = size;
    await writeFile(spec, JSON.stringify({ width, height, fps: 30, scenes: [{ duration: 1, background }] }));
    const run = await runCli(['render', spec, '-o', output, '--data-dir', join(dir, 'data'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    return { output, frame: await rgbFrame(output, 0.5) };
  }

  it.each(['fit', 'fill'])(
    'renders a `%s` background as shown: 16:9, square kept square, no side bars',
    async (fit) => {
      const { output, frame } = await render(`render-${fit}`, [640, 360], { video: clip, fit });
      const box = boxAtCentre(frame, 640, 360);
      // 200 of 480 lines high: 150 of 360.
      expect(Math.abs(box.h - 150), `box ${box.w}x${box.h}`).toBeLessThanOrEqual(2);
      expect(Math.abs(box.w - box.h), `box ${box.w}x${box.h}`).toBeLessThanOrEqual(2);
      // The picture is 16:9 like the frame: its first and last columns are picture, not black bars.
      expect(columnMax(frame, 640, 360, 0)).toBeGreaterThan(100);
      expect(columnMax(frame, 640, 360, 639)).toBeGreaterThan(100);
      expect((await ffprobeStreams(output))[0]!.sample_aspect_ratio).toBe('1:1');
    },
    60_000,
  );

  it('keeps the square square in a quarter-turned anamorphic source (display matrix)', async () => {
    const turned = join(dir, 'anam-turned.mp4');
    await withMatrix(clip, turned, [0, 1, -1, 0]);
    // Shown 480x853 (portrait): filling a 360x640 frame is a scale, no crop.
    const { frame } = await render('turned', [360, 640], { video: turned, fit: 'fill' });
    const box = boxAtCentre(frame, 360, 640);
    expect(Math.abs(box.w - 150), `box ${box.w}x${box.h}`).toBeLessThanOrEqual(2);
    expect(Math.abs(box.w - box.h), `box ${box.w}x${box.h}`).toBeLessThanOrEqual(2);
  }, 60_000);

  it('cuts a montage from it with the square kept square', async () => {
    const music = (await makeMontageMusic(dir, 120, 4)).path;
    const data = join(dir, 'montage-data');
    const cut = async (output: string) => {
      const run = await runCli(
        [
          'montage',
          '--clips',
          clip,
          '--music',
          music,
          '-o',
          output,
          '--duration',
          '2',
          '--height',
          '360',
        ].concat([...['--preset', 'fast', '--workers', '1', '--data-dir', data, '--json']]),
        {},
        120_000,
      );
      expect(run.code, run.stderr).toBe(0);
      const [video] = await ffprobeStreams(output);
      expect([video!.width, video!.height, video!.sample_aspect_ratio]).toEqual([640, 360, '1:1']);
      // Shown 853x480, filling 640x360 takes all of it: the box is 150 px high and as wide.
      const box = boxAtCentre(await rgbFrame(output, 1), 640, 360);
      expect(Math.abs(box.h - 150), `box ${box.w}x${box.h}`).toBeLessThanOrEqual(2);
      expect(Math.abs(box.w - box.h), `box ${box.w}x${box.h}`).toBeLessThanOrEqual(2);
      const lines = run.stdout.trim().split('\n');
      return JSON.parse(lines.find((l) => l.includes('"type":"result"'))!) as { cachedAnalyses: number };
    };
    await cut(join(dir, 'cut.mp4'));
    // The clip's analysis as it was cached before it kept the pixel shape: read again from the header.
    const cached = join(data, 'cache', 'montage', 'clip');
    for (const name of await readdir(cached)) {
      const { sampleAspect, rotation, ...before } = JSON.parse(
        await readFile(join(cached, name), 'utf8'),
      ) as {
        sampleAspect?: unknown;
        rotation?: unknown;
      };
      expect([sampleAspect, rotation]).toEqual([{ num: 32, den: 27 }, 0]);
      await writeFile(join(cached, name), JSON.stringify(before));
    }
    expect((await cut(join(dir, 'cut-cached.mp4'))).cachedAnalyses).toBe(2);
  }, 240_000);
});
