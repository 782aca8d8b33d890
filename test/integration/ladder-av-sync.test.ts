import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/**
 * When a white flash is shown and a beep heard, as a player of `path` presents them: the first
 * frame brighter than mid-grey and the first 64 samples louder than -40 dB, each track timed from
 * the file's own start.
 */
async function flashAndBeep(path: string, dir: string): Promise<{ flash: number; beep: number }> {
  const [video, audio] = [join(dir, 'v.txt'), join(dir, 'a.txt')];
  await ffmpeg([
    ...['-protocol_whitelist', 'file', '-i', path],
    ...['-vf', `signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=${video}`],
    ...[
      '-af',
      `asetnsamples=n=64,astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=${audio}`,
    ],
    ...['-f', 'null', '-'],
  ]);
  const first = async (file: string, over: number) => {
    let time = NaN;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const at = /pts_time:([\d.]+)/.exec(line);
      if (at) time = Number(at[1]);
      const value = /=(-?[\d.]+|-inf)$/.exec(line);
      if (value && Number(value[1]) > over) return time;
    }
    throw new Error(`nothing over ${over} in ${file}`);
  };
  return { flash: await first(video, 100), beep: await first(audio, -40) };
}

// A new user's trial: an HLS ladder presented its video 57 ms late against its audio (25 fps): each
// track, packaged by its own ffmpeg, was shifted to start at a decode time of 0, the video by its
// B-frames' delay (2 frames) and the audio by AAC's priming (1024 samples). A plain transcode kept
// the source's sync.
describe('an HLS ladder keeps the source A/V sync', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-ladder-sync-')));
  afterAll(() => cleanup());

  it.each([25, 60])(
    'at %i fps with B-frames: the flash and the beep as far apart as in the source',
    async (fps) => {
      const source = join(dir, `sync-${fps}.mp4`);
      await ffmpeg([
        ...[
          '-f',
          'lavfi',
          '-i',
          `color=black:s=320x180:r=${fps}:d=4,drawbox=c=white:t=fill:enable='gte(t,1)*lt(t,1.08)'`,
        ],
        ...['-f', 'lavfi', '-i', "sine=f=1000:d=4,volume=enable='not(between(t,1,1.08))':volume=0"],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '3', '-c:a', 'aac', source],
      ]);
      const out = join(dir, `ladder-${fps}`);
      await mkdir(out);
      const run = await runCli([
        'transcode',
        source,
        '-o',
        join(out, 'master.m3u8'),
        '--ladder',
        '180',
        '-q',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const before = await flashAndBeep(source, dir);
      const after = await flashAndBeep(join(out, 'master.m3u8'), dir);
      // Both on the 64-sample grid of the beep (1.3 ms at 48 kHz) and the frame grid of the flash.
      expect(Math.abs(after.flash - after.beep - (before.flash - before.beep))).toBeLessThan(0.005);
    },
    120_000,
  );
});
