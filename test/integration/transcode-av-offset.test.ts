import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// Sources whose audio does not start with the video: a camera's early audio, a late one.
describe('transcode keeps audio that starts before or after the video in sync', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-av-offset-'));
    const base = join(dir, 'base.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=25:d=4', '-f', 'lavfi', '-i', 'sine=f=440:d=4'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', base],
    ]);
    // Video (input 0) shifted 0.3 s later than the audio: early audio; audio (input 1): late audio.
    const shifted = (late: number, name: string) =>
      ffmpeg([
        ...[0, 1].flatMap((input) => [...(input === late ? ['-itsoffset', '0.3'] : []), '-i', base]),
        ...['-map', '0:v', '-map', '1:a', '-c', 'copy', join(dir, name)],
      ]);
    await shifted(0, 'early.mp4');
    await shifted(1, 'late.mp4');
  });
  afterAll(async () => cleanup());

  for (const name of ['early', 'late']) {
    it(`${name} audio: verified, and the audio's start and end relative to the video kept`, async () => {
      const source = join(dir, `${name}.mp4`);
      const output = join(dir, `${name}-out.mp4`);
      const r = await runCli(['transcode', source, '-o', output, '--data-dir', join(dir, `data-${name}`)]);
      expect(r.code, r.stderr).toBe(0);
      const [src, out] = await Promise.all([probe(source), probe(output)]);
      const frame = src.audio!.frameSize / src.audio!.sampleRate;
      const gap = (i: typeof src) =>
        i.audio!.startTimeSec + i.audio!.durationSec - (i.video!.startTimeSec + i.video!.durationSec);
      expect(Math.abs(gap(out) - gap(src))).toBeLessThanOrEqual(frame + 1e-3);
      // Late audio starts as late after the first frame; early audio is cut at the first frame.
      const lead = (i: typeof src) => i.audio!.startTimeSec - i.video!.startTimeSec;
      const expected = Math.max(0, lead(src));
      expect(Math.abs(lead(out) - expected)).toBeLessThanOrEqual(frame + 1e-3);
    });
  }
});
