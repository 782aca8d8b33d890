import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { BENCH_TRACKS, drumTrack } from '../../bench/lib/drum-track.js';
import { analyzeBeats } from '../../src/analysis/beats/index.js';
import { tempDir } from '../helpers/media.js';

const exec = promisify(execFile);
const RATE = 11025;
const espeak = await exec('espeak-ng', ['--version']).then(
  () => true,
  () => false,
);

/** Mono PCM at RATE of a file, or of a lavfi source. */
async function pcm(input: string[]): Promise<Float32Array> {
  const { stdout } = await exec(
    'ffmpeg',
    ['-v', 'error', ...input, '-ac', '1', '-ar', String(RATE), '-f', 'f32le', '-'],
    { encoding: 'buffer', maxBuffer: 1 << 26 },
  );
  return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.length / 4);
}

function expectNoBeat(samples: Float32Array): void {
  const r = analyzeBeats(samples, RATE);
  expect([r.tempo, r.beats, r.downbeats, r.silent]).toEqual([null, [], [], false]);
  expect(r.message).toMatch(/no steady rhythm/);
  expect(r.confidence).toBeLessThan(0.5);
}

// Speech had a tempo: a 7 s espeak-ng sentence gave 120.8 BPM and 14 beats. The autocorrelation
// peak at the tempo, in units of what chance gives for the clip's length, now decides (z / (1 + z)
// at least 0.5); measured margins in rhythmConfidence's comment.
describe('beats of audio without a steady beat', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-beats-speech-')));
  afterAll(async () => cleanup());

  const sentence =
    'The committee met on Tuesday to discuss the proposal for the new library. After a long debate, they postponed the decision until the spring.';
  it.skipIf(!espeak).each([
    ['English', ['-v', 'en']],
    ['German', ['-v', 'de']],
    ['fast English', ['-v', 'en', '-s', '260']],
    ['slow English', ['-v', 'en', '-s', '100']],
  ])('%s speech: no tempo, no beats', async (name, voice) => {
    const wav = join(dir, `${name.replace(' ', '-')}.wav`);
    await exec('espeak-ng', [...voice, '-w', wav, sentence]);
    expectNoBeat(await pcm(['-i', wav]));
  });

  it.each([
    ['pink noise', 'anoisesrc=c=pink:d=10:a=0.3'],
    ['rain-like noise', 'anoisesrc=c=white:d=10:a=0.3,lowpass=f=2000,lowpass=f=2000'],
    ['a drone', 'sine=f=110:d=10,vibrato=f=0.3:d=0.2'],
  ])('%s: no tempo, no beats', async (_name, source) => {
    expectNoBeat(await pcm(['-f', 'lavfi', '-i', source]));
  });

  it('a drum track keeps its beats, with the confidence reported', () => {
    const spec = BENCH_TRACKS.find((t) => t.name === 'waltz-drums-100')!;
    const track = drumTrack(spec, RATE);
    const r = analyzeBeats(track.samples, RATE);
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(beatFMeasure(r.beats, track.beats)).toBeGreaterThan(0.95);
  });
});
