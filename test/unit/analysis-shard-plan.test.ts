import { describe, expect, it } from 'vitest';
import {
  emptySeries,
  LONG_COLUMNS,
  SERIES_COLUMNS,
  mergePartials,
  MIN_SHARD_FRAMES,
  planKeyframeShards,
  planShards,
  shardAt,
  workSplits,
  type ScenePartial,
} from '../../src/analysis/scenes/index.js';

describe('planShards', () => {
  it.each([
    // frames, requested, reach, expected [start, end, decodeStart, decodeEnd] per shard
    [1000, 1, 6, [[0, 1000, 0, 1000]]],
    [
      1000,
      2,
      6,
      [
        [0, 500, 0, 506],
        [500, 1000, 494, 1000],
      ],
    ],
    [
      1000,
      3,
      6,
      [
        [0, 333, 0, 339],
        [333, 666, 327, 672],
        [666, 1000, 660, 1000],
      ],
    ],
    // Too short for 4 shards of at least 64 frames: 2 shards.
    [
      150,
      4,
      6,
      [
        [0, 75, 0, 81],
        [75, 150, 69, 150],
      ],
    ],
    [10, 8, 6, [[0, 10, 0, 10]]],
  ])('%i frames into %i shards (reach %i)', (frames, requested, reach, expected) => {
    const shards = planShards(frames, requested, reach);
    expect(shards.map((s) => [s.start, s.end, s.decodeStart, s.decodeEnd])).toEqual(expected);
    expect(shards.every((s) => s.count === expected.length)).toBe(true);
  });

  it('covers every frame exactly once for many sizes', () => {
    for (const frames of [64, 65, 127, 1000, 4321, 108_000]) {
      for (const k of [1, 2, 7, 64]) {
        const shards = planShards(frames, k, 6);
        expect(shards[0]!.start).toBe(0);
        expect(shards.at(-1)!.end).toBe(frames);
        shards.slice(1).forEach((s, i) => expect(s.start).toBe(shards[i]!.end));
      }
    }
  });

  it.each([
    [0, 1, /cannot shard a video of `0` frames/],
    [100, 0, 'expected `shards` to be an integer from 1 to 64, got `0`'],
    [100, 65, 'expected `shards` to be an integer from 1 to 64, got `65`'],
    [100, 1.5, 'expected `shards` to be an integer from 1 to 64, got `1.5`'],
  ])('rejects %i frames / %s shards', (frames, k, message) => {
    expect(() => planShards(frames, k, 6)).toThrow(message);
  });

  it('gives surplus Indexed Job pods an empty range', () => {
    expect(shardAt(100, 3, 4, 6)).toMatchObject({ start: 100, end: 100 });
    expect(() => shardAt(1000, 4, 4, 6)).toThrow(
      'expected `shard-index` to be an integer from 0 to 3, got `4`',
    );
  });
});

describe('mergePartials', () => {
  const partial = (
    index: number,
    count: number,
    start: number,
    length: number,
    path = 'a.mp4',
  ): ScenePartial => {
    const series = emptySeries(start, 6);
    for (let i = 0; i < length; i++) for (const key of SERIES_COLUMNS) series[key].push(start + i);
    return {
      kind: 'scenes-partial',
      source: { path, fps: 25, frameCount: 100, width: 64, height: 36 },
      shard: { index, count, start, end: start + length },
      series,
    };
  };

  const long = (index: number, start: number, k = 18): ScenePartial => {
    const plain = partial(index, 2, start, 50);
    const series = emptySeries(start, 6, k);
    for (const key of [...SERIES_COLUMNS, ...LONG_COLUMNS]) series[key] = [...plain.series.luma];
    return { ...plain, series };
  };

  it("joins the long window's columns where every shard has them, and refuses a mix", () => {
    const merged = mergePartials([long(1, 50), long(0, 0)]);
    expect(merged.series.longBlendSpan).toBe(18);
    expect(merged.series.longSpan).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(mergePartials([partial(0, 2, 0, 50), partial(1, 2, 50, 50)]).series.longSpan).toBeUndefined();
    expect(() => mergePartials([long(0, 0), partial(1, 2, 50, 50)])).toThrow(
      /shard `1` has no `longSpan` column \(made by another framefleet version/,
    );
    expect(() => mergePartials([partial(0, 2, 0, 50), long(1, 50)])).toThrow(
      /shard `0` has no `longSpan` column/,
    );
    expect(() => mergePartials([long(0, 0), long(1, 50, 36)])).toThrow(/mix/);
  });

  it('joins shards in any order', () => {
    const merged = mergePartials([partial(1, 2, 50, 50), partial(0, 2, 0, 50)]);
    expect(merged.series.luma).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("joins a variable-frame-rate video's frame times in order, and refuses them from some shards only", () => {
    const timed = (index: number, start: number) => ({
      ...partial(index, 2, start, 50),
      frameTimes: Array.from({ length: 50 }, (_, i) => (start + i) / 10),
    });
    const merged = mergePartials([timed(1, 50), timed(0, 0)]);
    expect(merged.frameTimes).toEqual(Array.from({ length: 100 }, (_, i) => i / 10));
    expect(mergePartials([partial(0, 1, 0, 50)]).frameTimes).toBeUndefined();
    expect(() => mergePartials([timed(0, 0), partial(1, 2, 50, 50)])).toThrow(/frame times/);
    expect(() => mergePartials([timed(0, 0), { ...timed(1, 50), frameTimes: ['x'] } as never])).toThrow(
      /frame times that are not numbers/,
    );
  });

  it.each([
    ['a gap', [partial(0, 2, 0, 40), partial(1, 2, 50, 50)], /expected a shard starting at frame 40/],
    ['a missing shard', [partial(0, 3, 0, 50), partial(1, 3, 50, 50)], /expected 3 partials/],
    ['two inputs', [partial(0, 2, 0, 50), partial(1, 2, 50, 50, 'b.mp4')], /mix different inputs/],
    ['nothing', [], /no partial results/],
    [
      'a partial from an older version',
      [
        partial(0, 2, 0, 50),
        { ...partial(1, 2, 50, 50), series: { ...partial(1, 2, 50, 50).series, contrast: undefined } },
      ],
      /shard `1` has no `contrast` column/,
    ],
  ])('refuses %s', (_name, partials, message) => {
    expect(() => mergePartials(partials as ScenePartial[])).toThrow(message);
  });
});

describe('planKeyframeShards', () => {
  it('moves each boundary so its decoder starts just after a keyframe', () => {
    // Keyframes every 250 frames; 3 shards of 1000 frames would start at 333 and 666.
    const keyframes = [0, 250, 500, 750];
    const shards = planKeyframeShards(1000, keyframes, 3, 7);
    expect(shards.map((s) => [s.start, s.end])).toEqual([
      [0, 258],
      [258, 758],
      [758, 1000],
    ]);
    // Input seeking goes half a frame before decodeStart, which is then exactly on the keyframe.
    expect(shards.slice(1).map((s) => s.decodeStart - 1)).toEqual([250, 750]);
    expect(shards.map((s) => s.decodeEnd)).toEqual([265, 765, 1000]);
  });

  it('keeps the even split where no keyframe is within half a shard, and covers every frame once', () => {
    const shards = planKeyframeShards(1200, [0], 4, 7);
    expect(shards.map((s) => s.start)).toEqual([0, 300, 600, 900]);
    for (const [i, s] of shards.entries()) expect(s.end).toBe(shards[i + 1]?.start ?? 1200);
  });

  it("splits by decoding work when the frames' bytes are known: a busy half gets fewer frames", () => {
    // 600 calm frames of 1000 bytes, then 600 busy ones of 3000: the work is three quarters busy.
    const bytes = [...Array<number>(600).fill(1000), ...Array<number>(600).fill(3000)];
    const [, split] = workSplits(bytes, 2);
    // Half the work (bytes + a quarter of the mean frame each) is reached inside the busy part.
    const fixed = 0.25 * 2000;
    const half = (600 * 1000 + 600 * 3000 + 1200 * fixed) / 2;
    expect(split).toBe(600 + Math.ceil((half - 600 * (1000 + fixed)) / (3000 + fixed)));
    expect(workSplits(bytes, 4)).toHaveLength(4);
    // Keyframes every 30 frames: the boundary lands just after the keyframe nearest the work split.
    const keyframes = Array.from({ length: 40 }, (_, i) => i * 30);
    const shards = planKeyframeShards(1200, keyframes, 2, 7, bytes);
    expect(Math.abs(shards[1]!.start - split!)).toBeLessThanOrEqual(15);
    expect((shards[1]!.decodeStart - 1) % 30).toBe(0);
    // Bytes that do not cover every frame are ignored: the even split.
    expect(planKeyframeShards(1200, [0], 2, 7, [1, 2, 3]).map((s) => s.start)).toEqual([0, 600]);
  });

  it('never makes a shard shorter than the minimum, even with keyframes crowding a boundary', () => {
    const shards = planKeyframeShards(400, [0, 60, 61, 62, 63, 330, 399], 3, 7);
    const lengths = shards.map((s) => s.end - s.start);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(MIN_SHARD_FRAMES);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(400);
  });
});
