import { describe, expect, it } from 'vitest';
import type { LocalRhythm, LocalWindows } from '../../src/analysis/beats/rhythm-confidence.js';
import { agreedConfidence, heardSpan } from '../../src/analysis/beats/tempo-ramp.js';

const RATE = 86;
/** 6-s windows every 2 s, each read at `bpms[i]` with `sure[i]` confidence. */
function windows(bpms: readonly number[], sure: readonly number[]): LocalWindows {
  const at = (i: number): LocalRhythm => ({
    start: 2 * i * RATE,
    end: (2 * i + 6) * RATE,
    period: (60 * RATE) / bpms[i]!,
    confidence: sure[i]!,
    audible: true,
  });
  return { length: bpms.length, at };
}
const frames = (count: number) => (2 * count + 4) * RATE;
const beat = (bpm: number) => (60 * RATE) / bpm;

describe('the span where a rhythm is heard', () => {
  // A soft waltz at 120: two windows sure enough alone, the rest 0.30-0.40, all at its beat.
  const soft = windows(
    [120, 121, 121, 121, 121, 81, 68, 68, 68, 119, 120, 119, 119],
    [0.49, 0.37, 0.38, 0.33, 0.34, 0.49, 0.2, 0.16, 0.2, 0.29, 0.36, 0.39, 0.4],
  );

  it('ends at the last window sure enough alone, without the beat', () => {
    expect(heardSpan(soft, frames(13))).toEqual([0, 14 * RATE]);
  });

  it('runs to the end where the windows after it find the beat (or twice or half it)', () => {
    expect(heardSpan(soft, frames(13), [beat(120)])).toEqual([0, frames(13)]);
    expect(heardSpan(soft, frames(13), [beat(60)])).toEqual([0, frames(13)]);
    // At a beat no window finds, only the sure ones count; among several beats, any one will do.
    expect(heardSpan(soft, frames(13), [beat(90)])).toEqual([0, 14 * RATE]);
    expect(heardSpan(soft, frames(13), [beat(90), beat(120)])).toEqual([0, frames(13)]);
  });

  it('does not take a spoken intro whose windows are unsure and jump in tempo', () => {
    const intro = windows(
      [75, 143, 120, 97, 120, 120, 120, 120],
      [0.31, 0.34, 0.33, 0.3, 0.6, 0.62, 0.6, 0.61],
    );
    // The first window heard is the fifth (8 s on); a lone window at the beat (the third) is not.
    expect(heardSpan(intro, frames(8), [beat(120)])[0]).toBe(8 * RATE + 2 * RATE);
  });
});

describe('a rhythm the short windows agree on', () => {
  // A 12/8 ballad of piano triplets and strings: 0.34 sure over the whole track ("no steady
  // rhythm"), its 6-s windows 0.44-0.53, all but two at its eighths (156).
  const ballad = windows(
    [156, 156, 156, 156, 156, 156, 156, 157, 157, 158, 52, 52, 156],
    [0.24, 0.47, 0.51, 0.51, 0.51, 0.38, 0.44, 0.49, 0.53, 0.41, 0.49, 0.44, 0.48],
  );

  it('is heard where nearly all windows find the beat, at their median confidence', () => {
    expect(agreedConfidence(ballad, beat(156))).toBeCloseTo(0.48, 5);
    expect(agreedConfidence(ballad, beat(78))).toBeCloseTo(0.48, 5);
  });

  it('is not where the windows find another beat, jump in tempo or are unsure', () => {
    expect(agreedConfidence(ballad, beat(104))).toBe(0);
    // Sure enough window by window, but each at its own tempo.
    const jumping = windows([75, 143, 120, 97, 181, 66], [0.5, 0.48, 0.52, 0.47, 0.5, 0.49]);
    expect(agreedConfidence(jumping, beat(120))).toBe(0);
    const faint = windows([120, 120, 121, 119, 120], [0.3, 0.36, 0.4, 0.33, 0.38]);
    expect(agreedConfidence(faint, beat(120))).toBe(0);
    expect(agreedConfidence(windows([120, 120, 120], [0.6, 0.6, 0.6]), beat(120))).toBe(0);
  });

  it('needs three in four windows to find the beat', () => {
    const sure = new Array<number>(10).fill(0.5);
    const agreeing = (count: number) =>
      windows(
        Array.from({ length: 10 }, (_, i) => (i < count ? 120 : 97)),
        sure,
      );
    expect(agreedConfidence(agreeing(8), beat(120))).toBe(0.5);
    expect(agreedConfidence(agreeing(7), beat(120))).toBe(0);
  });
});
