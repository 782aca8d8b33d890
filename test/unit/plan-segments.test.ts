import { describe, expect, it } from 'vitest';
import { MAX_SEGMENTS, maxSegments, planSegments } from '../../src/pipelines/transcode/plan-segments.js';

function contiguous(ranges: { start: number; end: number }[], frames: number) {
  expect(ranges[0]!.start).toBe(0);
  expect(ranges.at(-1)!.end).toBe(frames);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
}

describe('planSegments', () => {
  it.each([
    { name: 'even split', frames: 600, fps: 30, segments: 8, expectCount: 8 },
    { name: 'one segment', frames: 90, fps: 30, segments: 1, expectCount: 1 },
    { name: 'capped by minimum length (0.5 s)', frames: 45, fps: 30, segments: 8, expectCount: 3 },
    { name: 'by seconds', frames: 900, fps: 30, segmentSeconds: 10, expectCount: 3 },
    { name: 'by seconds, remainder', frames: 901, fps: 30, segmentSeconds: 10, expectCount: 4 },
    { name: 'fan-out cap', frames: 100_000, fps: 30, segments: 10_000, expectCount: MAX_SEGMENTS },
    { name: 'single frame', frames: 1, fps: 30, segments: 4, expectCount: 1 },
  ])('$name', ({ frames, fps, segments, segmentSeconds, expectCount }) => {
    const ranges = planSegments({ frameCount: frames, fps, segments, segmentSeconds });
    expect(ranges).toHaveLength(expectCount);
    contiguous(ranges, frames);
  });

  it('moves a boundary to a nearby keyframe', () => {
    const ranges = planSegments({ frameCount: 600, fps: 30, segments: 2, keyframes: [0, 290, 450] });
    expect(ranges[1]).toMatchObject({ start: 290, startsAt: 'keyframe' });
  });

  it('prefers a scene cut over a keyframe', () => {
    const ranges = planSegments({
      frameCount: 600,
      fps: 30,
      segments: 2,
      keyframes: [0, 300],
      sceneCuts: [310],
    });
    expect(ranges[1]).toMatchObject({ start: 310, startsAt: 'scene-cut' });
  });

  it('ignores keyframes too far from the even boundary', () => {
    const ranges = planSegments({ frameCount: 600, fps: 30, segments: 2, keyframes: [0, 100, 500] });
    expect(ranges[1]).toMatchObject({ start: 300, startsAt: 'even' });
  });

  it('never makes a segment shorter than the minimum', () => {
    // regression: keyframes right next to each other must not produce a 1-frame segment
    const ranges = planSegments({
      frameCount: 200,
      fps: 30,
      segments: 4,
      keyframes: [0, 40, 41, 99, 100, 150, 151],
    });
    for (const r of ranges) expect(r.end - r.start).toBeGreaterThanOrEqual(15);
    contiguous(ranges, 200);
  });

  it('returns nothing for an empty video', () => {
    expect(planSegments({ frameCount: 0, fps: 30, segments: 4 })).toEqual([]);
  });
});

describe('maxSegments', () => {
  it('is the most segments of at least half a second, never more than MAX_SEGMENTS', () => {
    expect(maxSegments(120, 30)).toBe(8);
    expect(maxSegments(10, 30)).toBe(1);
    expect(maxSegments(1_000_000, 30)).toBe(512);
    expect(maxSegments(300, 30, 2)).toBe(5);
  });
});
