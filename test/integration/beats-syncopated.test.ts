import { describe, expect, it } from 'vitest';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { styleScore, type BeatStyle } from '../../bench/lib/beat-styles.js';
import { cumbiaScore } from '../helpers/cumbia-score.js';
import { renderedBeats } from '../helpers/rendered-beats.js';

/**
 * Found on music no test had (a helper's new pieces): syncopated grooves at 92-102 BPM whose "and"s
 * are struck nearly as hard as their beats were read twice as fast, and a drum and bass two-step at
 * half its tempo.
 */
describe('syncopated grooves keep their beat', () => {
  const rendered = renderedBeats('ff-syncopated-');

  // The guitar's chords on every "and" and the congas there made "accents halfway between beats"
  // (0.6-0.7 of the beats'); a doubling to 184-200 now needs them louder (backbeatNeeded).
  it.each([92, 100])(
    'a cumbia at %i is read at its quarter notes',
    async (bpm) => {
      const score = cumbiaScore(bpm, 30, 5);
      const { result } = await rendered.analyze(score, `cumbia-${bpm}`);
      expect(Math.abs(result.tempo! / bpm - 1)).toBeLessThan(0.02);
      expect(beatFMeasure(result.beats, score.beats)).toBeGreaterThan(0.95);
      expect(result.level).not.toMatch(/accents halfway/);
    },
    60_000,
  );

  // Tracked at 87 on its snare, then moved onto its kick and bass: its snare then falls halfway
  // between the beats, louder than them, and the beat is twice as fast.
  it('a drum and bass two-step whose chord lasts two bars is read at 174', async () => {
    const style: BeatStyle = {
      name: 'dnb-two-bar-174',
      bpm: 174,
      beatsPerBar: 4,
      kick: 'x.........x.....',
      snare: '....x.......x...',
      hat: 'x.x.x.x.x.x.x.x.',
      bass: 'x...............',
      barsPerChord: 2,
      programs: [38, 89, 0],
    };
    const score = styleScore(style, 30, 7);
    const { result } = await rendered.analyze(score, style.name);
    expect(Math.abs(result.tempo! / 174 - 1)).toBeLessThan(0.02);
    expect(beatFMeasure(result.beats, score.beats)).toBeGreaterThan(0.95);
    expect(result.level).toMatch(/accents halfway between them make the beat twice as fast/);
  }, 60_000);
});
