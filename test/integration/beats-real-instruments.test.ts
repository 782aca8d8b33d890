import { describe, expect, it } from 'vitest';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import type { NoteEvent } from '../../bench/lib/beat-styles.js';
import { renderedBeats } from '../helpers/rendered-beats.js';

/**
 * A strummed folk song, 16 bars: steel-string guitar strumming D . D U . U D U in eighths (down
 * strums low string first and loud, up strums high string first and softer), a bass on one and
 * three, the chord changing each bar. Found by a new user's trial: read at twice its tempo, the
 * softer up strums around beat three (another colour of the same chord) taken for a chord change
 * every half bar.
 */
function folkSong(bpm: number): { events: NoteEvent[]; beats: number[] } {
  const beat = 60 / bpm;
  const progression: [number, number[]][] = [
    [55, [0, 4, 7]],
    [60, [0, 4, 7]],
    [62, [0, 4, 7]],
    [55, [0, 4, 7]],
    [52, [0, 3, 7]],
    [60, [0, 4, 7]],
    [62, [0, 4, 7]],
    [62, [0, 4, 7]],
  ];
  const strums: [number, 'down' | 'up', number][] = [
    [0, 'down', 95],
    [2, 'down', 80],
    [3, 'up', 60],
    [5, 'up', 65],
    [6, 'down', 85],
    [7, 'up', 60],
  ];
  const events: NoteEvent[] = [];
  for (let bar = 0; bar < 16; bar++) {
    const start = 0.5 + bar * 4 * beat;
    const [root, triad] = progression[bar % progression.length]!;
    const voicing = [root - 12, root - 5, ...triad.map((i) => root + i)].sort((a, b) => a - b);
    for (const [eighth, direction, velocity] of strums) {
      const order = direction === 'down' ? voicing : [...voicing].reverse();
      order.forEach((note, j) =>
        events.push({
          time: start + (eighth * beat) / 2 + j * 0.012,
          duration: 0.9 * beat,
          channel: 1,
          note,
          velocity: velocity - 2 * j,
        }),
      );
    }
    events.push({ time: start, duration: 1.8 * beat, channel: 0, note: root - 24, velocity: 80 });
    events.push({ time: start + 2 * beat, duration: 1.8 * beat, channel: 0, note: root - 17, velocity: 75 });
  }
  const beats = Array.from({ length: 64 }, (_, k) => 0.5 + k * beat);
  return { events, beats };
}

/**
 * A bossa nova on nylon guitar and bass alone (no shaker, no rim): the guitar's thumb on one and
 * three, its chords syncopated (eighths 1, 4 and 6, then 2, 4 and 7), the bass on one, the "and"
 * of two, three and the "and" of four. Found by a new user's trial: every beat half a beat off.
 */
function bossa(bpm: number): { events: NoteEvent[]; beats: number[] } {
  const beat = 60 / bpm;
  const progression: [number, number[]][] = [
    [62, [0, 3, 7, 10]],
    [67, [0, 4, 7, 10]],
    [60, [0, 4, 7, 11]],
    [60, [0, 4, 7, 11]],
    [64, [0, 3, 6, 10]],
    [69, [0, 4, 7, 10]],
    [62, [0, 3, 7, 10]],
    [62, [0, 3, 7, 10]],
  ];
  const events: NoteEvent[] = [];
  const note = (time: number, duration: number, channel: number, pitch: number, velocity: number) =>
    events.push({ time, duration, channel, note: pitch, velocity });
  for (let bar = 0; bar < 20; bar++) {
    const start = 0.5 + bar * 4 * beat;
    const [root, chord] = progression[bar % progression.length]!;
    for (const at of [0, 2]) note(start + at * beat, 0.9 * beat, 0, root - 24, 80);
    for (const eighth of bar % 2 === 0 ? [0, 3, 5] : [1, 3, 6])
      chord
        .slice(1)
        .forEach((step, i) =>
          note(start + (eighth * beat) / 2 + i * 0.008, 0.45 * beat, 0, root - 12 + step, 62),
        );
    note(start, 1.4 * beat, 1, root - 24, 90);
    note(start + 1.5 * beat, 0.5 * beat, 1, root - 17, 75);
    note(start + 2 * beat, 1.4 * beat, 1, root - 17, 85);
    note(start + 3.5 * beat, 0.5 * beat, 1, root - 24, 70);
  }
  const beats = Array.from({ length: 80 }, (_, k) => 0.5 + k * beat);
  return { events, beats };
}

/**
 * A band slowing down, `from` to `to` BPM over 16 bars: kick and snare, eighth hats, an electric
 * piano's chord and a bass note on every beat. Found by a new user's trial (100 to 80): "no steady
 * rhythm", the whole track's periodicity smeared by the drift, and a montage refused the music.
 */
function slowingBand(from: number, to: number): { events: NoteEvent[]; beats: number[] } {
  const chords: [number, number[]][] = [
    [60, [0, 4, 7, 11]],
    [57, [0, 3, 7, 10]],
    [65, [0, 4, 7, 11]],
    [67, [0, 4, 7, 10]],
  ];
  const beats = [0.5];
  for (let i = 0; i < 64; i++) beats.push(beats.at(-1)! + 60 / (from + ((to - from) * i) / 63));
  const events: NoteEvent[] = [];
  for (let i = 0; i < 64; i++) {
    const [at, gap] = [beats[i]!, beats[i + 1]! - beats[i]!];
    const [root, chord] = chords[Math.floor(i / 4) % chords.length]!;
    const drum = (time: number, note: number, velocity: number) =>
      events.push({ time, duration: 0.05, channel: 9, note, velocity });
    drum(at, i % 2 === 0 ? 36 : 38, 110);
    drum(at, 42, 60);
    drum(at + gap / 2, 42, 45);
    for (const step of chord)
      events.push({ time: at, duration: 0.8 * gap, channel: 1, note: root + step, velocity: 60 });
    events.push({
      time: at,
      duration: 0.8 * gap,
      channel: 0,
      note: root - 24 + (i % 2 ? 7 : 0),
      velocity: 85,
    });
  }
  return { events, beats: beats.slice(0, 64) };
}

describe('guitar accompaniment without drums', () => {
  const rendered = renderedBeats('ff-strum-');

  it.each([100, 92])(
    'a folk song strummed at %i BPM keeps its tempo',
    async (bpm) => {
      const { events, beats } = folkSong(bpm);
      const { result } = await rendered.analyze(
        { style: { bpm }, events, programs: [32, 25] },
        `folk-${bpm}`,
      );
      expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
      expect(beatFMeasure(result.beats, beats)).toBeGreaterThan(0.95);
    },
    60_000,
  );

  it.each([132, 120])(
    'a bossa nova on guitar and bass at %i BPM is tracked on its beats',
    async (bpm) => {
      const { events, beats } = bossa(bpm);
      const { result } = await rendered.analyze(
        { style: { bpm }, events, programs: [24, 32] },
        `bossa-${bpm}`,
      );
      expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
      expect(beatFMeasure(result.beats, beats)).toBeGreaterThan(0.9);
    },
    60_000,
  );

  it.each([
    [80, 130],
    [130, 80],
  ])(
    'a band ramping from %i to %i BPM over 64 beats is tracked along the ramp',
    async (from, to) => {
      // Before: "no steady rhythm" (even 12-s windows smear a ramp this steep), no beats.
      const { events, beats } = slowingBand(from, to);
      const { result } = await rendered.analyze(
        { style: { bpm: 100 }, events, programs: [33, 4] },
        `ramp-${from}-${to}`,
      );
      expect(result.level).toMatch(/ramps/);
      expect(beatFMeasure(result.beats, beats)).toBeGreaterThan(0.95);
    },
    60_000,
  );

  it('a band slowing from 100 to 80 BPM is tracked all the way', async () => {
    const { events, beats } = slowingBand(100, 80);
    const { result } = await rendered.analyze({ style: { bpm: 90 }, events, programs: [33, 4] }, 'slowing');
    expect(result.confidence).toBeGreaterThanOrEqual(0.5);
    expect(beatFMeasure(result.beats, beats)).toBeGreaterThan(0.9);
  }, 60_000);
});
