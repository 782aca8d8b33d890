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
 * A waltz at 90 BPM (piano bass on one, chords on two and three, strings held, a flute tune) whose
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
