import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import type { NoteEvent } from '../../bench/lib/beat-styles.js';
import { renderFluid } from '../../bench/lib/style-render.js';
import { analyzeBeatsFile } from '../../src/pipelines/analyze/measure-beats.js';

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

describe('strummed chords', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-strum-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([100, 92])(
    'a folk song strummed at %i BPM keeps its tempo',
    async (bpm) => {
      const { events, beats } = folkSong(bpm);
      const wav = join(dir, `folk-${bpm}.wav`);
      await renderFluid({ style: { bpm }, events, programs: [32, 25] }, join(dir, `folk-${bpm}.mid`), wav);
      const result = await analyzeBeatsFile(wav);
      expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
      expect(beatFMeasure(result.beats, beats)).toBeGreaterThan(0.95);
    },
    60_000,
  );
});
