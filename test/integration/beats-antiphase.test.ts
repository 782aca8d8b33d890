import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { runFfmpeg } from '../../src/media/run.js';
import { analyzeBeatsFile } from '../../src/pipelines/analyze/index.js';
import { makeDrumWav, makeWorkDir } from './analysis-media.js';

// Found by a new-user trial: a stereo track whose right channel is the left one inverted (an old
// wiring fault, a "wide" effect) sounds normal but was analysed as silent (WAV, MP3) or as having
// no steady rhythm (AAC: the codec's residue): the mono downmix (L + R) cancels. Where the sum
// has no beat and the difference (L - R) is far louder, the beats are looked for there.
let work: Awaited<ReturnType<typeof makeWorkDir>>;
let drums: Awaited<ReturnType<typeof makeDrumWav>>;

/** The drum track as stereo, its right channel = `right` * left, in `name`'s container. */
async function stereo(name: string, right: 1 | -1): Promise<string> {
  const path = join(work.dir, name);
  const codec = name.endsWith('.wav') ? ['-c:a', 'pcm_s16le'] : ['-c:a', 'aac', '-b:a', '128k'];
  await runFfmpeg(['-y', '-i', drums.path, '-af', `pan=stereo|c0=c0|c1=${right}*c0`, ...codec, path]);
  return path;
}

beforeAll(async () => {
  work = await makeWorkDir();
  drums = await makeDrumWav(work.dir, 120);
});
afterAll(() => work.cleanup());

describe('a stereo track whose channels are in antiphase', () => {
  it.each(['wav', 'm4a'])('has the beats of the same track in phase (%s)', async (ext) => {
    const normal = await analyzeBeatsFile(await stereo(`normal.${ext}`, 1));
    const inverted = await analyzeBeatsFile(await stereo(`inverted.${ext}`, -1));
    expect(normal.tempo).not.toBeNull();
    expect(normal.warnings).toBeUndefined();
    expect(inverted.silent).toBe(false);
    expect(Math.abs(inverted.tempo! - normal.tempo!) / normal.tempo!).toBeLessThan(0.02);
    expect(Math.abs(inverted.tempo! - 120) / 120).toBeLessThan(0.02);
    expect(beatFMeasure(inverted.beats, normal.beats, 0.07, 2)).toBeGreaterThan(0.95);
    expect(beatFMeasure(inverted.beats, drums.beats, 0.07, 2)).toBeGreaterThan(0.9);
    expect(inverted.warnings).toEqual([expect.stringMatching(/cancel out when mixed to mono.*antiphase/)]);
  });

  // The second decode stops after 20 s where the difference is not the louder; not where the
  // sum is silent there (an intro), and not where it is the louder.
  it('is found past the trial of the difference: after 25 s of silence, and in a long track', async () => {
    const late = join(work.dir, 'late.m4a');
    const pan = 'pan=stereo|c0=c0|c1=-1*c0';
    await runFfmpeg(['-y', '-i', drums.path, '-af', `adelay=25s:all=1,${pan}`, '-c:a', 'aac', late]);
    const result = await analyzeBeatsFile(late);
    expect(Math.abs(result.tempo! - 120) / 120).toBeLessThan(0.02);
    const shifted = drums.beats.map((t) => t + 25);
    expect(beatFMeasure(result.beats, shifted, 0.07, 2)).toBeGreaterThan(0.9);
    const long = join(work.dir, 'long.m4a');
    await runFfmpeg(['-y', '-stream_loop', '2', '-i', drums.path, '-af', pan, '-c:a', 'aac', long]);
    expect(Math.abs((await analyzeBeatsFile(long)).tempo! - 120) / 120).toBeLessThan(0.02);
  });

  it('leaves a silent stereo track silent, and a mono one without beats as it was', async () => {
    const silent = join(work.dir, 'silent.wav');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '3', silent]);
    expect(await analyzeBeatsFile(silent)).toMatchObject({ silent: true, tempo: null });
    const hum = join(work.dir, 'hum.m4a');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'sine=f=220:d=6', '-c:a', 'aac', hum]);
    const result = await analyzeBeatsFile(hum);
    expect(result).toMatchObject({ silent: false, tempo: null });
    expect(result.warnings).toBeUndefined();
    // Past the trial: its second decode is stopped, the result is the sum's.
    const noise = join(work.dir, 'noise.m4a');
    const source = 'anoisesrc=c=pink:r=44100:a=0.2:d=30';
    await runFfmpeg([
      '-y',
      '-f',
      'lavfi',
      '-i',
      source,
      '-af',
      'pan=stereo|c0=c0|c1=0.5*c0',
      '-c:a',
      'aac',
      noise,
    ]);
    const noisy = await analyzeBeatsFile(noise);
    expect(noisy).toMatchObject({ silent: false, tempo: null, durationSec: expect.closeTo(30, 0) });
    expect(noisy.warnings).toBeUndefined();
  });
});
