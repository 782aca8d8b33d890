import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BALLAD_STYLES } from '../../bench/lib/ballad-styles.js';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { BEAT_STYLES, styleScore, type BeatStyle, type StyleScore } from '../../bench/lib/beat-styles.js';
import { MORE_STYLES } from '../../bench/lib/more-styles.js';
import { ODD_METER_STYLES } from '../../bench/lib/odd-meter-styles.js';
import { renderFluid } from '../../bench/lib/style-render.js';
import { runFfmpeg } from '../../src/media/run.js';
import { analyzeBeatsFile } from '../../src/pipelines/analyze/measure-beats.js';
import { renderedBeats } from '../helpers/rendered-beats.js';

const rendered = renderedBeats('ff-ballad-');

/** A style's score rendered by fluidsynth (real instrument samples): once, for every test that plays it. */
const renders = new Map<string, Promise<{ score: StyleScore; wav: string }>>();
function render(style: BeatStyle) {
  if (!renders.has(style.name)) {
    const score = styleScore(style, 24, 3);
    const wav = join(rendered.dir(), `${style.name}.wav`);
    const midi = join(rendered.dir(), `${style.name}.mid`);
    renders.set(
      style.name,
      renderFluid(score, midi, wav).then(() => ({ score, wav })),
    );
  }
  return renders.get(style.name)!;
}

/** A style rendered by fluidsynth (real instrument samples) and analysed as a user's file is. */
async function renderAndAnalyze(style: BeatStyle) {
  const { score, wav } = await render(style);
  return { score, wav, result: await analyzeBeatsFile(wav) };
}

/**
 * Slow music without a drummer's backbeat, rendered by fluidsynth (real piano samples). Before:
 * a solo piano ballad at 64 BPM, chords on every beat and the bass again on three, was read at
 * 128 (the bass struck again read as a chord change every half bar); with the bass on every beat
 * at 56, 112; a ballad whose drums, bass and chords play only on one and three (a hit every two
 * seconds at 60 BPM) had "no steady rhythm".
 */
describe('slow ballads and odd bars', () => {
  it.each(['piano-ballad-64', 'piano-bass-beats-56', 'sparse-ballad-60'])(
    '%s is tracked at its own tempo',
    async (name) => {
      const style = BALLAD_STYLES.find((s) => s.name === name)!;
      const { score, result } = await renderAndAnalyze(style);
      expect(result.confidence).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(result.tempo! - style.bpm) / style.bpm).toBeLessThan(0.02);
      expect(beatFMeasure(score.beats, result.beats)).toBeGreaterThan(0.9);
      expect(beatFMeasure(score.downbeats, result.downbeats)).toBeGreaterThan(0.9);
    },
    60_000,
  );

  it.each([70, 56, 62, 78])(
    'chords on every eighth, the bass on one and three, at %d BPM are tracked at that tempo',
    async (bpm) => {
      // Before: the bass struck again on three moved the mel bands as much as the chord change at
      // the bar, and the harmony read as changing every two beats of twice the tempo (140 for 70).
      const style = { ...BALLAD_STYLES.find((s) => s.name === 'piano-eighths-70')!, bpm };
      const { score, result } = await renderAndAnalyze({ ...style, name: `piano-eighths-${bpm}` });
      expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
      expect(beatFMeasure(score.beats, result.beats)).toBeGreaterThan(0.9);
    },
    60_000,
  );

  it('a piano piece at 53 BPM, its bar of four 4.5 s long, is tracked at that tempo', async () => {
    // Before: no bar was looked for past 4.5 s, and the piece read at 106.
    const style = { ...BALLAD_STYLES.find((s) => s.name === 'piano-eighths-60')!, bpm: 53 };
    const { score, result } = await renderAndAnalyze({ ...style, name: 'piano-eighths-53' });
    expect(Math.abs(result.tempo! - 53) / 53).toBeLessThan(0.02);
    expect(beatFMeasure(score.beats, result.beats)).toBeGreaterThan(0.9);
  }, 60_000);

  it.each(['bossa-130', 'ballad-2bar-72', 'bossa-118'])(
    '%s, its chords lasting two bars, is tracked at its own tempo',
    async (name) => {
      // Before: the bossa nova's two bars to a chord read as one bar of four beats (65 BPM). At 118
      // its kick on every beat holds the beat where the chords' pitch classes say two bars.
      const style = MORE_STYLES.find((s) => s.name === name)!;
      const { score, result } = await renderAndAnalyze(style);
      expect(Math.abs(result.tempo! - style.bpm) / style.bpm).toBeLessThan(0.02);
      expect(beatFMeasure(score.beats, result.beats)).toBeGreaterThan(0.9);
    },
    60_000,
  );

  it.each(['rock-5-4-120', 'prog-7-4-130'])(
    '%s keeps its tempo and finds its bars of five or seven',
    async (name) => {
      // Before: the five-beat bar was read as three beats (120 BPM as 72), the bars as threes.
      const style = ODD_METER_STYLES.find((s) => s.name === name)!;
      const { score, result } = await renderAndAnalyze(style);
      expect(Math.abs(result.tempo! - style.bpm) / style.bpm).toBeLessThan(0.02);
      expect(result.beatsPerBar).toBe(style.beatsPerBar);
      expect(beatFMeasure(score.beats, result.beats)).toBeGreaterThan(0.9);
      expect(beatFMeasure(score.downbeats, result.downbeats)).toBeGreaterThan(0.9);
    },
    60_000,
  );
});

/**
 * A style played twice, the second time `shift` beats after the whole bar where the first ends
 * (a pause, a bar of two beats before a chorus): the beats and bars of both, and the result.
 */
async function playTwice(style: BeatStyle, shift: number) {
  // Only the rendering of the style played once: the test analyses it played twice.
  const { score, wav: once } = await render(style);
  const beat = 60 / style.bpm;
  const bar = style.beatsPerBar * beat;
  const again = Math.ceil((score.seconds + 1) / bar) * bar + shift * beat;
  const twice = join(rendered.dir(), `${style.name}-twice.wav`);
  await runFfmpeg(
    [
      ...['-i', once, '-i', once],
      ...['-filter_complex', `[0]apad=whole_dur=${again}[a];[a][1]concat=n=2:v=0:a=1`],
      ...['-c:a', 'pcm_s16le', '-y', twice],
    ],
    { label: 'play it twice' },
  );
  const later = (times: number[]) => [...times, ...times.map((t) => t + again)];
  return {
    again,
    beats: later(score.beats),
    downbeats: later(score.downbeats),
    result: await analyzeBeatsFile(twice),
  };
}

describe('music whose beat or bar moves part way through', () => {
  it('a ballad played twice, the second time an odd number of half beats late, keeps its tempo', async () => {
    // Before: only one in two of the beats at 128 is heard, and which one changes at the pause;
    // counted from the first beat, each place was heard half the time, and the ballad at 64 BPM
    // read at 128 (a looped one of 92 BPM, 184 from its second minute on).
    const style = BALLAD_STYLES.find((s) => s.name === 'piano-ballad-64')!;
    const { beats, result } = await playTwice(style, 1.5);
    expect(Math.abs(result.tempo! - style.bpm) / style.bpm).toBeLessThan(0.02);
    expect(beatFMeasure(beats, result.beats)).toBeGreaterThan(0.9);
  }, 60_000);

  it('a song played twice, the second time two beats late, has its bars found in both', async () => {
    // Before: one bar start for the whole track, and the second time's downbeats on beat three
    // (downbeat F 1.00 and 0.00).
    const style = BEAT_STYLES.find((s) => s.name === 'rock-116')!;
    // Two bars of silence and two beats between the two times.
    const { again, beats, downbeats, result } = await playTwice(style, 10);
    // Each time's bars, from its first to its last (not the pause between them).
    const bar = (4 * 60) / style.bpm;
    const time = (k: number) => downbeats.filter((t) => t >= k * again && t < (k + 1) * again);
    for (const k of [0, 1]) {
      const truth = time(k);
      const found = result.downbeats.filter((t) => t > truth[0]! - bar / 2 && t < truth.at(-1)! + bar / 2);
      expect(beatFMeasure(truth, found), `time ${k + 1}`).toBeGreaterThan(0.9);
    }
    // No beat in the silence between them (the tracker's grid ran on there at -120 dBFS), and the
    // tempo counts the beats the pause holds.
    const pause = result.beats.filter(
      (t) => t > beats.filter((b) => b < again).at(-1)! + 1.5 && t < again - 0.3,
    );
    expect(pause).toEqual([]);
    expect(Math.abs(result.tempo! - style.bpm) / style.bpm).toBeLessThan(0.02);
  }, 60_000);
});
