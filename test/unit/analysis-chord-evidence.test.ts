import { describe, expect, it } from 'vitest';
import { analyzeBeats, onsetStrength } from '../../src/analysis/beats/index.js';
import { harmonicPeriod } from '../../src/analysis/beats/rhythm-evidence.js';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { type BeatStyle, styleScore } from '../../bench/lib/beat-styles.js';
import { MORE_STYLES } from '../../bench/lib/more-styles.js';
import { renderSynthetic } from '../../bench/lib/style-render.js';

const RATE = 22050;

/** The groove's beats as analysed from 20 s of its synthetic rendering, scored against its score. */
function analysed(style: BeatStyle, pianoChords = false) {
  const score = styleScore(style, 20, 3);
  const samples = renderSynthetic(score, RATE, { pianoChords });
  const result = analyzeBeats(samples, RATE);
  return {
    samples,
    result,
    tempoError: Math.abs(result.tempo! - style.bpm) / style.bpm,
    f: beatFMeasure(result.beats, score.beats, 0.07, 3),
    downbeatF: beatFMeasure(result.downbeats, score.downbeats, 0.07, 3),
  };
}

describe('a chord struck again is no chord change', () => {
  // The beat bench's re-struck grooves (a piano chord on one and three, a new chord each bar) were
  // read at twice their tempo: the chord's colour fades between the strikes and comes back with
  // the second, which the frame-to-frame harmony change counted as a new chord every half bar.
  it.each([76, 83, 90, 99])('%i BPM, piano chords on one and three: the bar and the beat', (bpm) => {
    const style: BeatStyle = {
      name: `restruck-${bpm}`,
      bpm,
      beatsPerBar: 4,
      kick: 'x.......x.......',
      snare: '....x.......x...',
      hat: 'x.x.x.x.x.x.x.x.',
      bass: 'x.......x.......',
      comp: 'x.......x.......',
    };
    const { samples, tempoError, f, result } = analysed(style, true);
    const env = onsetStrength(samples, RATE);
    const bar = harmonicPeriod(env.harmonic, env.frameRate);
    expect((bar!.period / env.frameRate) * (bpm / 240)).toBeCloseTo(1, 1);
    expect(tempoError).toBeLessThan(0.02);
    expect(f).toBeGreaterThan(0.95);
    expect(result.beatsPerBar).toBe(4);
  });
});

describe('beats move onto the chord changes', () => {
  // A snare, a skank or a comping chord on every "and" drew the tracked beats onto the off-beats,
  // with the chords changing halfway between them (random grooves of the beat bench's stress set).
  const grooves: BeatStyle[] = [
    MORE_STYLES.find((s) => s.name === 'onedrop-76')!,
    {
      name: 'offbeat-snare-139',
      bpm: 139,
      beatsPerBar: 4,
      kick: 'x.x.....x.......',
      snare: '..x...x...x...x.',
      hat: 'x...x...x...x...',
      bass: 'x.....x.x.......',
      comp: 'x..x..x...x..x..',
    },
    {
      name: 'offbeat-snare-111',
      bpm: 111,
      beatsPerBar: 4,
      kick: 'x......x..x.....',
      snare: '..x...x...x...x.',
      hat: 'x...x...x...x...',
      bass: 'x.....x.x.......',
      comp: 'x..x..x...x..x..',
    },
  ];
  it.each(grooves.map((g) => [g.name, g] as const))('%s: on the beat, bars from one', (_, style) => {
    const { tempoError, f, downbeatF, result } = analysed(style);
    expect(tempoError).toBeLessThan(0.02);
    expect(f).toBeGreaterThan(0.95);
    expect(downbeatF).toBeGreaterThan(0.9);
    expect(result.level).toContain('onto the chord changes');
  });
});
