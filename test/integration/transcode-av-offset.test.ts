import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/** When the first audible sample plays, on the file's own timeline (silence filled in from 0). */
function onsetSec(path: string): number {
  const args = ['-v', 'error', '-i', path, '-map', '0:a:0', '-af', 'aresample=async=1:first_pts=0'];
  const pcm = execFileSync('ffmpeg', [...args, '-ac', '1', '-ar', '44100', '-t', '1', '-f', 's16le', '-']);
  for (let i = 0; i + 1 < pcm.length; i += 2) if (Math.abs(pcm.readInt16LE(i)) > 300) return i / 2 / 44100;
  return Number.NaN;
}

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
    await ffmpeg(['-i', join(dir, 'late.mp4'), '-c', 'copy', '-f', 'mpegts', join(dir, 'late.ts')]);
  });
  afterAll(async () => cleanup());
  // The source's onset, the same for every case below: measured once, when a case first needs it.
  let sourceOnset: number | undefined;
  const lateOnset = () => (sourceOnset ??= onsetSec(join(dir, 'late.mp4')));

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

  // Re-encoded, the audio's file starts with the AAC encoder's priming frame, which its container
  // shows instead of hiding when the audio starts late: the stitch places the file by its own start.
  // An MPEG-TS source's audio file starts at 0 instead (ffmpeg moves its timeline): the stitch
  // places it by the source's offset (a lead taken for priming once moved late TS audio to the start).
  it.each([
    { source: 'late.mp4', audio: 'aac', segments: 3 },
    { source: 'late.mp4', audio: 'copy', segments: 3 },
    { source: 'late.ts', audio: 'aac', segments: 2 },
    { source: 'late.ts', audio: 'auto', segments: 2 },
  ])('late audio, $source in $segments segments, --audio $audio: the sound starts when it did', async (c) => {
    const output = join(dir, `${c.source}-${c.audio}.mp4`);
    const args = ['transcode', join(dir, c.source), '-o', output, '--segments', String(c.segments)];
    const r = await runCli([
      ...args,
      '--audio',
      c.audio,
      '--preset',
      'fast',
      '--data-dir',
      join(dir, `data-${c.source}-${c.audio}`),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(Math.abs(onsetSec(output) - lateOnset())).toBeLessThan(0.003);
  });
});
