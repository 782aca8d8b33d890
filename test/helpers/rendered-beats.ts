import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { renderFluid, type MidiScore } from '../../bench/lib/style-render.js';
import { analyzeBeatsFile } from '../../src/pipelines/analyze/measure-beats.js';

/**
 * A scratch folder for the calling suite (made before its tests, removed after them) in which
 * scores are rendered by fluidsynth (real instrument samples) and analysed as a user's file is.
 */
export function renderedBeats(prefix: string) {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    /** The folder (only inside the suite's tests and hooks). */
    dir: () => dir,
    /** Renders `score` as NAME.wav and analyses its beats. */
    async analyze(score: MidiScore, name: string) {
      const wav = join(dir, `${name}.wav`);
      await renderFluid(score, join(dir, `${name}.mid`), wav);
      return { wav, result: await analyzeBeatsFile(wav) };
    },
  };
}
