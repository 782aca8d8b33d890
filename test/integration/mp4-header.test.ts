import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp4DecodeVideo } from '../../src/media/mp4-header.js';
import { analyzeScenes } from '../../src/pipelines/analyze/measure-scenes.js';
import { probe } from '../../src/media/probe.js';
import { FAST_X264, ffmpeg, tempDir, withMatrix } from '../helpers/media.js';

const SOURCE = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '2'];
const X264 = [...FAST_X264, '-g', '12'];

describe('mp4DecodeVideo', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await ffmpeg([
      ...SOURCE,
      '-f',
      'lavfi',
      '-i',
      'sine',
      '-t',
      '2',
      ...X264,
      '-bf',
      '2',
      '-c:a',
      'aac',
      file('plain.mp4'),
    ]);
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x240:rate=30000/1001',
      '-t',
      '2',
      ...X264,
      file('ntsc.mp4'),
    ]);
    await ffmpeg([...SOURCE, '-vf', 'setsar=4/3', ...X264, file('sar.mov')]);
    await ffmpeg([...SOURCE, '-c:v', 'mpeg4', file('mpeg4.mp4')]);
    await ffmpeg([
      ...SOURCE,
      '-vf',
      "setpts='if(lt(N,30),N/30,1+(N-30)/15)/TB'",
      '-fps_mode',
      'vfr',
      ...X264,
      file('vfr.mp4'),
    ]);
    await ffmpeg([
      '-i',
      file('plain.mp4'),
      '-c',
      'copy',
      '-movflags',
      '+frag_keyframe+empty_moov',
      file('frag.mp4'),
    ]);
    await withMatrix(file('plain.mp4'), file('turn90.mp4'), [0, 1, -1, 0]);
    await withMatrix(file('plain.mp4'), file('turn270.mp4'), [0, -1, 1, 0]);
    await withMatrix(file('plain.mp4'), file('flip.mp4'), [-1, 0, 0, 1]);
    // Cut short: the moov at the end is lost; the moov at the start lists samples past the end.
    const whole = await readFile(file('plain.mp4'));
    await writeFile(file('cut.mp4'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    await ffmpeg(['-i', file('plain.mp4'), '-c', 'copy', '-movflags', '+faststart', file('fast.mp4')]);
    const fast = await readFile(file('fast.mp4'));
    await writeFile(file('cut-fast.mp4'), fast.subarray(0, Math.floor(fast.length * 0.6)));
    // A few bytes claiming four billion samples: not to be expanded in memory.
    const hostile = Buffer.from(whole);
    const stsz = hostile.indexOf('stsz', 0, 'latin1');
    hostile.writeUInt32BE(1, stsz + 8);
    hostile.writeUInt32BE(0xfffffff0, stsz + 12);
    const stts = hostile.indexOf('stts', 0, 'latin1');
    hostile.writeUInt32BE(1, stts + 8);
    hostile.writeUInt32BE(0xfffffff0, stts + 12);
    await writeFile(file('billions.mp4'), hostile);
  }, 60_000);
  afterAll(() => cleanup?.());

  // What ffprobe says is the reference: the moov answer must be the same, field for field.
  it.each(['plain.mp4', 'fast.mp4', 'ntsc.mp4', 'sar.mov', 'mpeg4.mp4', 'turn90.mp4', 'turn270.mp4'])(
    '%s: the same size, rotation, rate, frames and keyframes as the probe',
    async (name) => {
      const ours = await mp4DecodeVideo(file(name), (await stat(file(name))).size);
      const video = (await probe(file(name))).video!;
      expect(ours).toMatchObject({
        width: video.width,
        height: video.height,
        rotation: video.rotation,
        frameRate: video.frameRate,
        frameCount: video.frameCount,
        keyframes: video.keyframes,
        variableFrameRate: video.variableFrameRate,
      });
      expect(ours!.frameBytes).toHaveLength(video.frameCount);
      expect(Math.min(...ours!.frameBytes!)).toBeGreaterThan(0);
    },
  );

  it('reads the quarter turns as the probe numbers them', async () => {
    expect((await mp4DecodeVideo(file('turn90.mp4'), Infinity))?.rotation).toBe(270);
    expect((await mp4DecodeVideo(file('turn270.mp4'), Infinity))?.rotation).toBe(90);
  });

  it('a scene result names the displayed size of a quarter-turned video', async () => {
    const result = await analyzeScenes(file('turn90.mp4'));
    expect(result.source).toMatchObject({ width: 240, height: 320 });
    expect((await analyzeScenes(file('plain.mp4'))).source).toMatchObject({ width: 320, height: 240 });
  });

  // Where the moov cannot answer exactly as ffprobe would, it does not answer.
  it.each(['vfr.mp4', 'frag.mp4', 'flip.mp4', 'cut.mp4', 'cut-fast.mp4', 'billions.mp4'])(
    '%s: leaves it to the probe',
    async (name) => {
      expect(await mp4DecodeVideo(file(name), (await stat(file(name))).size)).toBeUndefined();
    },
  );
});
