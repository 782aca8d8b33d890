import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/**
 * Where each click is heard against the flash nearest to it, as a player of `path` presents both
 * (an HLS master or DASH MPD: its video and audio renditions on one timeline): the click's onset
 * (the first 64 samples louder than -40 dB after quiet ones) minus the flash's (the first frame
 * brighter than mid-grey after dark ones), in seconds, one per click within half a second of one.
 */
async function clickToFlash(path: string, dir: string): Promise<number[]> {
  const n = ++analyses;
  const [video, audio] = [join(dir, `v-${n}.txt`), join(dir, `a-${n}.txt`)];
  await ffmpeg([
    ...['-protocol_whitelist', 'file', '-i', path],
    ...['-map', '0:v:0', '-vf', `signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=${video}`],
    ...[
      ...['-map', '0:a:0', '-af'],
      // Only the level read below: the same values as with astats' every statistic, at half the CPU.
      `asetnsamples=n=64,astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=RMS_level,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=${audio}`,
    ],
    ...['-f', 'null', '-'],
  ]);
  const onsets = async (file: string, over: number) => {
    const times: number[] = [];
    let [time, on] = [NaN, false];
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const at = /pts_time:(-?[\d.]+)/.exec(line);
      if (at) time = Number(at[1]);
      const value = /=(-?[\d.]+|-inf)$/.exec(line);
      if (!value) continue;
      const loud = Number(value[1]) > over;
      if (loud && !on) times.push(time);
      on = loud;
    }
    return times;
  };
  // Not the first: the picture starts with it (a VFR source's repeated back to the container's start).
  const flashes = (await onsets(video, 100)).slice(1);
  const clicks = await onsets(audio, -40);
  if (flashes.length < 2) throw new Error(`${path}: ${flashes.length} flashes found`);
  // Clicks half a second or more from every flash (past the picture's end) are not paired.
  return clicks
    .map((c) => c - flashes.reduce((a, b) => (Math.abs(b - c) < Math.abs(a - c) ? b : a)))
    .filter((d) => Math.abs(d) < 0.5);
}

let analyses = 0;

// A tester's trial: a source whose audio starts 0.3 s before its picture (a white flash every
// second, a 1 kHz click 0.32 s before each). A plain transcode kept that; the ladder's audio
// rendition had each click 0.02 s after its flash (the early audio kept, its end cut instead),
// in HLS and DASH alike, from Matroska and MPEG-TS. Audio that starts late was right, and so is a
// VFR source's early audio: its picture starts at the container's start once normalised.
describe('a ladder keeps audio that starts before or after the picture in sync', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-ladder-early-audio-'));
    const flash = "color=black:s=160x90:r=25:d=4,drawbox=c=white:t=fill:enable='lt(mod(t\\,1)\\,0.03)'";
    const click = "aevalsrc='if(lt(mod(t\\,1)\\,0.02)\\,0.9*sin(2*PI*1000*t)\\,0)':s=48000:d=4.3";
    // -itsoffset on the picture: early audio; on the sound: late audio. Every 7th frame left out
    // (never a flash): variable frame rate, normalised onto a grid from the container's start.
    const source = (late: boolean, name: string, vfr = false) =>
      ffmpeg([
        ...(late ? [] : ['-itsoffset', '0.3']),
        ...['-f', 'lavfi', '-i', vfr ? `${flash},select='not(eq(mod(n\\,7)\\,3))'` : flash],
        ...[...(late ? ['-itsoffset', '0.3'] : []), '-f', 'lavfi', '-i', click],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-fps_mode', 'passthrough'],
        join(dir, name),
      ]);
    await Promise.all([
      ...[source(false, 'early.mkv'), source(false, 'early.ts'), source(true, 'late.mkv')],
      source(false, 'early-vfr.mkv', true),
    ]);
  }, 60_000);
  afterAll(() => cleanup());

  // Each source analysed once, when a test first needs it (not again for every output).
  const sources = new Map<string, Promise<number[]>>();
  const sourceClicks = (source: string) => {
    if (!sources.has(source)) sources.set(source, clickToFlash(join(dir, source), dir));
    return sources.get(source)!;
  };

  /** Every click of `output` as far from its flash as in the source, within a frame (40 ms). */
  async function expectSync(source: string, output: string, sign: -1 | 1) {
    const want = await sourceClicks(source);
    // The source is what it says: each click 0.32 s (0.3 s and AAC's priming) before or after.
    for (const d of want) expect(Math.abs(d - sign * 0.32), want.join(', ')).toBeLessThan(0.04);
    const got = await clickToFlash(output, dir);
    expect(got.length).toBeGreaterThanOrEqual(3);
    const median = [...want].sort((a, b) => a - b)[want.length >> 1]!;
    for (const d of got) expect(Math.abs(d - median), `${output}: ${got.join(', ')}`).toBeLessThan(0.04);
  }

  it.each([
    { source: 'early.mkv', sign: -1 as const },
    { source: 'early.ts', sign: -1 as const },
    { source: 'late.mkv', sign: 1 as const },
    { source: 'early-vfr.mkv', sign: -1 as const },
  ])(
    '$source: each click as far from its flash in the HLS and DASH ladder',
    async (c) => {
      const out = join(dir, `ladder-${c.source}`);
      await mkdir(out);
      const run = await runCli([
        ...['transcode', join(dir, c.source), '-o', join(out, 'm.m3u8'), '--ladder', '90'],
        ...['--package', 'hls,dash', '--data-dir', join(dir, `data-${c.source}`), '-q'],
      ]);
      expect(run.code, run.stderr).toBe(0);
      await expectSync(c.source, join(out, 'm.m3u8'), c.sign);
      await expectSync(c.source, join(out, 'm.mpd'), c.sign);
    },
    120_000,
  );

  it.each([
    { source: 'early.mkv', sign: -1 as const },
    { source: 'late.mkv', sign: 1 as const },
    { source: 'early-vfr.mkv', sign: -1 as const },
  ])(
    '$source: a plain transcode keeps the same',
    async (c) => {
      const output = join(dir, `plain-${c.source}.mp4`);
      const run = await runCli([
        ...['transcode', join(dir, c.source), '-o', output],
        ...['--data-dir', join(dir, `data-plain-${c.source}`), '-q'],
      ]);
      expect(run.code, run.stderr).toBe(0);
      await expectSync(c.source, output, c.sign);
    },
    120_000,
  );
});
