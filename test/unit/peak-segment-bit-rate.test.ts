import { describe, expect, it } from 'vitest';
import { peakSegmentBitRate } from '../../src/pipelines/transcode/ladder-verify.js';

const seg = (seconds: number, kilobits: number) => ({ duration: seconds, bytes: (kilobits * 1000) / 8 });

describe('peakSegmentBitRate (RFC 8216 BANDWIDTH)', () => {
  it('counts a short last segment within a run of 0.5 to 1.5 target durations', () => {
    // A 4 s clip in 3 s segments: the last second is the densest (a new user's trial: BANDWIDTH was
    // taken over the 3 s segment only, under the peak).
    const segments = [seg(3, 1500), seg(1, 700)];
    // Runs: [3 s] 500 kb/s, [3 s + 1 s] 550 kb/s, [1 s] alone is under half the target (1.5 s).
    expect(peakSegmentBitRate(segments, 3)).toBeCloseTo(550_000, 6);
  });

  it('takes the densest run, and none past 1.5 target durations', () => {
    const segments = [seg(2, 800), seg(2, 2400), seg(2, 800), seg(2, 800)];
    expect(peakSegmentBitRate(segments, 2)).toBeCloseTo(1_200_000, 6);
    // A tiny last segment (one audio frame with its headers) does not stand alone.
    expect(peakSegmentBitRate([seg(4, 4000), seg(0.02, 40)], 4)).toBeCloseTo(4_040_000 / 4.02, 3);
  });

  it('is undefined where no run lasts half a target duration', () => {
    expect(peakSegmentBitRate([seg(0.5, 100)], 4)).toBeUndefined();
    expect(peakSegmentBitRate([], 4)).toBeUndefined();
  });
});
