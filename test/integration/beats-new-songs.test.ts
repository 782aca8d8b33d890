import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import type { NoteEvent } from '../../bench/lib/beat-styles.js';
import { renderFluid } from '../../bench/lib/style-render.js';
import { analyzeBeatsFile } from '../../src/pipelines/analyze/measure-beats.js';
import { ffmpeg } from '../helpers/media.js';

/**
 * Songs a new user's trial wrote (rendered by fluidsynth from MIDI) that the beat bench's did not
 * cover. A waltz at 90 BPM (piano bass on one, chords on two and three, strings held, a flute tune) whose
 * sound starts at the file's first sample. Before: its first onset, risen from the silence before
 * the file, was 70 times the median and hid the rhythm of the first 6-s window, so the beats began
 * at 4.0 s (a new user's trial; 5 ms of silence in front brought them back).
 */
function waltz(bpm: number, bars: number): { events: NoteEvent[]; beats: number[] } {
  const beat = 60 / bpm;
  const roots = [48, 43, 43, 48, 41, 48, 43, 48];
  const tune = [76, 77, 71, 76, 77, 72, 74, 72];
  const events: NoteEvent[] = [];
  for (let bar = 0; bar < bars; bar++) {
    const root = roots[bar % 8]!;
    const t = bar * 3 * beat;
    const chord = [root + 16, root + 19, root + 24];
    events.push({ time: t, duration: 0.9 * beat, channel: 0, note: root - 12, velocity: 95 });
    for (const i of [1, 2])
      for (const note of chord)
        events.push({ time: t + i * beat, duration: 0.5 * beat, channel: 0, note, velocity: 60 });
    for (const note of [root + 12, root + 16, root + 19])
      events.push({ time: t, duration: 3 * beat, channel: 1, note, velocity: 55 });
    events.push({ time: t, duration: 2.8 * beat, channel: 2, note: tune[bar % 8]!, velocity: 80 });
  }
  return { events, beats: Array.from({ length: bars * 3 }, (_, i) => i * beat) };
}

/**
 * A bossa nova at 130 BPM, in nine two-bar units: the bass and kick on one, the "and" of two,
 * three and the "and" of four, maracas on every eighth, the guitar comping (and a rim) on eighths
 * 0, 3, 6, 10 and 13 of the two bars, a flute. Before: its groups of three eighths read as compound
 * meter, a dotted-quarter beat 2:3 as fast (81 BPM, beats uneven; a new user's trial, F 0.46).
 */
function bossa(bpm: number, units: number): { events: NoteEvent[]; beats: number[] } {
  const beat = 60 / bpm;
  // Two-bar units: the root and the chord's intervals (maj7, m7, 7).
  const chords: [number, number[]][] = [
    [48, [4, 7, 11]],
    [50, [3, 7, 10]],
    [43, [4, 7, 10]],
    [48, [4, 7, 11]],
    [45, [3, 7, 10]],
    [50, [3, 7, 10]],
    [43, [4, 7, 10]],
    [48, [4, 7, 11]],
  ];
  const events: NoteEvent[] = [];
  for (let unit = 0; unit < units; unit++) {
    const [root, intervals] = chords[unit % 8]!;
    const tones = intervals.map((i) => root + 12 + i);
    const t = unit * 8 * beat;
    for (const eighth of [0, 3, 6, 10, 13]) {
      const at = t + eighth * 0.5 * beat;
      tones.forEach((note, i) =>
        events.push({
          time: at + 0.01 * beat * i,
          duration: (0.45 - 0.01 * i) * beat,
          channel: 0,
          note,
          velocity: 70,
        }),
      );
      events.push({ time: at, duration: 0.1, channel: 9, note: 37, velocity: 70 });
    }
    for (const [at, length, note] of [
      [0, 1.5, tones[2]!],
      [1.5, 2.5, tones[1]!],
      [4, 3.5, tones[0]! + 12],
    ] as const)
      events.push({ time: t + at * beat, duration: length * beat, channel: 2, note, velocity: 68 });
    for (const bar of [0, 1]) {
      const tb = t + bar * 4 * beat;
      for (const [at, length, note, kick] of [
        [0, 1.4, root - 12, 60],
        [1.5, 0.45, root - 5, 45],
        [2, 1.4, root - 5, 60],
        [3.5, 0.45, root - 12, 45],
      ] as const) {
        events.push({ time: tb + at * beat, duration: length * beat, channel: 1, note, velocity: 85 });
        events.push({ time: tb + at * beat, duration: 0.1, channel: 9, note: 36, velocity: kick });
      }
      for (let i = 0; i < 8; i++)
        events.push({
          time: tb + i * 0.5 * beat,
          duration: 0.05,
          channel: 9,
          note: 70,
          velocity: i % 2 ? 40 : 55,
        });
    }
  }
  return { events, beats: Array.from({ length: units * 8 }, (_, i) => i * beat) };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-first-sample-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('beats of music that starts at the first sample', () => {
  it('are found from the start', async () => {
    const { events, beats } = waltz(90, 12);
    const rendered = join(dir, 'waltz.wav');
    await renderFluid(
      { style: { bpm: 90 }, events, programs: [0, 48, 73] },
      join(dir, 'waltz.mid'),
      rendered,
    );
    // fluidsynth leaves a few silent samples in front: cut them, as a trimmed file has none.
    const trimmed = join(dir, 'waltz-trimmed.wav');
    await ffmpeg(['-i', rendered, '-af', 'silenceremove=start_periods=1:start_threshold=-70dB', trimmed]);
    const result = await analyzeBeatsFile(trimmed);
    expect(Math.abs(result.tempo! - 90)).toBeLessThan(1);
    expect(result.beats[0]).toBeLessThan(0.1);
    expect(beatFMeasure(beats, result.beats)).toBeGreaterThan(0.95);
  }, 60_000);
});

describe('a bossa nova whose comping repeats every two bars', () => {
  it('is tracked in four at its own tempo, not as compound meter', async () => {
    const { events, beats } = bossa(130, 9);
    const wav = join(dir, 'bossa.wav');
    await renderFluid({ style: { bpm: 130 }, events, programs: [24, 32, 73] }, join(dir, 'bossa.mid'), wav);
    const result = await analyzeBeatsFile(wav);
    expect(Math.abs(result.tempo! - 130)).toBeLessThan(1.5);
    expect(result.level).not.toMatch(/compound/);
    expect(beatFMeasure(beats, result.beats)).toBeGreaterThan(0.9);
  }, 60_000);
});

/**
 * A new user's 6/8 piece for strings, harp and double bass (dotted quarter 58; 14 bars and the
 * strings' long release): the harmony's beat is too weak for the whole piece, and a 6-s window of
 * the fade-out alone heard a rhythm. Before: "120.3 BPM, 2 beats in 40.2 s", both in the fade.
 */
function sixEightStrings(): NoteEvent[] {
  const eighth = 60 / 87 / 2;
  const dotted = 3 * eighth;
  const chords: Record<string, number[]> = {
    G: [55, 59, 62],
    Em: [52, 55, 59],
    C: [60, 64, 67],
    D: [50, 54, 57],
    Am: [57, 60, 64],
  };
  const order = ['G', 'Em', 'C', 'D', 'G', 'Em', 'Am', 'D'];
  const events: NoteEvent[] = [];
  for (let bar = 0; bar < 14; bar++) {
    const tones = chords[order[bar % 8]!]!;
    const root = 36 + (tones[0]! % 12);
    const t = bar * 2 * dotted;
    events.push({ time: t, duration: 2 * dotted - 0.03, channel: 2, note: root, velocity: 92 });
    events.push({ time: t + dotted, duration: dotted - 0.03, channel: 2, note: root + 7, velocity: 78 });
    [0, 1, 2, 1, 2, 1].forEach((tone, k) =>
      events.push({
        time: t + k * eighth,
        duration: 2 * eighth,
        channel: 1,
        note: tones[tone]! + 12 + (k === 2 ? 12 : 0),
        velocity: 62 + (k % 3 === 0 ? 14 : 0),
      }),
    );
    for (const note of tones)
      events.push({ time: t, duration: 2 * dotted, channel: 0, note: note + 12, velocity: 55 });
  }
  return events;
}

describe('a rhythm heard only in a fade-out', () => {
  it('is no beat of the piece: no tempo from two beats', async () => {
    const wav = join(dir, 'six-eight.wav');
    await renderFluid(
      { style: { bpm: 87 }, events: sixEightStrings(), programs: [48, 46, 42] },
      join(dir, 'six-eight.mid'),
      wav,
    );
    const result = await analyzeBeatsFile(wav);
    // Either the piece's own beat (58 dotted quarters, 87 quarters or 174 eighths a minute) or none.
    if (result.tempo === null) expect(result.message).toMatch(/no beats/);
    else {
      expect(result.beats.length).toBeGreaterThan(20);
      expect([58, 87, 116, 174].some((bpm) => Math.abs(result.tempo! - bpm) / bpm < 0.03)).toBe(true);
    }
  }, 60_000);
});
