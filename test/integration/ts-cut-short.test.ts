import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { analyzeScenes, aggregateScenes, measureScenes } from '../../src/pipelines/analyze/index.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

// A transport stream cut short (a download that stopped, a recorder killed) transcoded without a
// word: its last frame, partial, decoded to a damaged picture, and the B-frames after the cut were
// missing, so the stream read as variable-rate and its end was filled with repeated frames.
// Small: 320x180, 4 s at 25 fps, x264 with B-frames, AAC.
describe('a transport stream cut short', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let whole = '';
  const cut = (name: string) => join(dir, name);
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-ts-cut-'));
    whole = join(dir, 'whole.ts');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=4', '-f', 'lavfi', '-i', 'sine=d=4'],
      ...[...FAST_X264, '-bf', '3', '-g', '50', '-c:a', 'aac', '-f', 'mpegts', whole],
    ]);
    const bytes = await readFile(whole);
    // Inside a packet (a copy that stopped); on a packet's end, inside a video frame (a recorder).
    const at = Math.floor((bytes.length * 0.6) / 188) * 188;
    await writeFile(cut('mid-packet.ts'), bytes.subarray(0, at + 101));
    await writeFile(cut('on-packet.ts'), bytes.subarray(0, at));
  }, 60_000);
  afterAll(async () => cleanup());

  it('a whole one is not taken for cut', async () => {
    const info = await probe(whole);
    expect(info.video!.cutTail).toBeUndefined();
    expect(info.video!.frameCount).toBe(100);
    expect((await analyzeScenes(whole, { parallel: 1 })).warnings).toBeUndefined();
  });

  it.each([
    ['mid-packet.ts', /it ends 101 bytes into a 188-byte transport packet \(at byte \d+\)/],
    ['on-packet.ts', /the file ends at byte \d+ inside a video frame/],
  ])(
    '%s: transcoded up to the cut, every frame as the source shows it, with one warning',
    async (name, where) => {
      const input = cut(name);
      const info = await probe(input);
      const video = info.video!;
      expect(video.cutTail?.packets).toBeGreaterThanOrEqual(1);
      // The frames kept run at the constant rate without a hole, short of the whole file's.
      expect(video.variableFrameRate).toBe(false);
      expect(video.frameCount).toBeGreaterThan(40);
      expect(video.frameCount).toBeLessThan(100);
      const output = join(dir, `${name}.mp4`);
      const run = await runCli(['transcode', input, '-o', output]);
      expect(run.code, run.stderr).toBe(0);
      const warned = run.stderr.split('\n').filter((l) => l.includes('is cut short'));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(where);
      expect(warned[0]).toMatch(/so its last \d+ video packets? .* are not encoded$/);
      // Run again, the job's stored plan is reused (nothing to redo): its warning is said again.
      const again = await runCli(['transcode', input, '-o', output, '-y']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr.split('\n').filter((l) => l.includes('is cut short'))).toEqual(warned);
      // Frame i of the output is frame i of the whole recording: none damaged, none repeated.
      const out = await probe(output);
      expect(out.video!.frameCount).toBe(video.frameCount);
      const psnr = await psnrByIndex(output, whole);
      expect(psnr.min).toBeGreaterThanOrEqual(30);
    },
    120_000,
  );

  it('scene analysis stops before the damaged frame and says so, in one pass or shards', async () => {
    const input = cut('mid-packet.ts');
    const info = await probe(input);
    const result = await analyzeScenes(input, { parallel: 1 });
    expect(result.frames).toBe(info.video!.frameCount);
    expect(result.cuts).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings![0]).toMatch(/is cut short: .* are not analysed$/);
    const shards = await Promise.all(
      [0, 1].map((i) => measureScenes(input, { shardIndex: i, shardCount: 2 })),
    );
    const sharded = aggregateScenes(shards);
    expect(sharded.frames).toBe(result.frames);
    expect(sharded.warnings).toEqual(result.warnings);
  }, 60_000);
});
