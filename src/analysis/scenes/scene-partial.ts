import { FramefleetError, show } from '../../errors.js';
import { emptySeries, LONG_COLUMNS, SERIES_COLUMNS, seriesLength, type FrameSeries } from './frame-series.js';
import type { SceneSource } from './scene-result.js';

/** What one shard reports: its frames' measurements, to be merged before detection. */
export interface ScenePartial {
  kind: 'scenes-partial';
  source: SceneSource;
  shard: { index: number; count: number; start: number; end: number };
  series: FrameSeries;
  /**
   * A variable-frame-rate video: the presentation time (seconds after the first frame) of each frame
   * of this shard, from `shard.start` on; the last shard's run to the end of the probe's list.
   */
  frameTimes?: number[];
  /**
   * The stream's keyframes within this shard (global frame numbers, from the probe's packet list):
   * the detector reads the encoder's GOP cadence from them. Absent where a partial of an older
   * version carries none; the detector then does without.
   */
  keyframes?: number[];
}

/**
 * Joins the partials of one video back into one series, with the frames' times where they carry
 * them; refuses gaps, overlaps and mixes.
 */
export function mergePartials(partials: readonly ScenePartial[]): {
  source: SceneSource;
  series: FrameSeries;
  frameTimes?: number[];
  keyframes?: number[];
} {
  if (partials.length === 0) throw new FramefleetError('INVALID_ARGUMENT', 'no partial results to aggregate');
  // The long window's columns: every partial has them where any has (another version's has none).
  const columns = partials.some((p) => p?.series?.longBlendSpan !== undefined)
    ? [...SERIES_COLUMNS, ...LONG_COLUMNS]
    : SERIES_COLUMNS;
  for (const p of partials) {
    if (p?.kind !== 'scenes-partial' || !p.series || !p.shard) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `not a scenes partial result: ${show(p?.kind ?? typeof p)}`,
      );
    }
    // A partial from a worker of another version may lack a column the detector now reads.
    const missing = columns.find((c) => !Array.isArray(p.series[c]));
    if (missing) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `scenes partial of shard ${show(p.shard.index)} has no \`${missing}\` column (made by another framefleet version?)`,
      );
    }
  }
  const sorted = [...partials].sort((a, b) => a.shard.start - b.shard.start || a.shard.index - b.shard.index);
  const source = sorted[0]!.source;
  const count = sorted[0]!.shard.count;
  const merged = emptySeries(0, sorted[0]!.series.blendSpan, sorted[0]!.series.longBlendSpan);
  let next = 0;
  for (const p of sorted) {
    if (
      p.source.path !== source.path ||
      p.source.frameCount !== source.frameCount ||
      p.shard.count !== count ||
      p.series.blendSpan !== merged.blendSpan ||
      p.series.longBlendSpan !== merged.longBlendSpan
    ) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `partials mix different inputs or shard counts: ${show(p.source.path)} shard ${p.shard.index}/${p.shard.count} vs ${show(source.path)} /${count}`,
      );
    }
    if (p.shard.start === p.shard.end) continue;
    if (p.series.start !== next || p.shard.start !== next) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `partials of ${show(source.path)} do not join: expected a shard starting at frame ${next}, got ${p.series.start}`,
      );
    }
    for (const column of SERIES_COLUMNS) merged[column].push(...p.series[column]);
    if (merged.longBlendSpan !== undefined)
      for (const column of LONG_COLUMNS) merged[column]!.push(...p.series[column]!);
    next += seriesLength(p.series);
  }
  const indices = new Set(sorted.map((p) => p.shard.index));
  if (indices.size !== count) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected ${count} partials of ${show(source.path)}, got ${indices.size} distinct shard indices`,
    );
  }
  if (next === 0)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(source.path)} has no decodable frames`);
  // Frames past what the probe counted may exist (or be missing); the series is the truth.
  return {
    source: { ...source, frameCount: next },
    series: merged,
    ...joinTimes(sorted, source.path),
    ...joinKeyframes(sorted, source.path),
  };
}

/** The partials' keyframes joined in order, where every one carries them. */
function joinKeyframes(sorted: readonly ScenePartial[], path: string): { keyframes?: number[] } {
  if (!sorted.every((p) => p.keyframes !== undefined)) return {};
  const keyframes: number[] = [];
  for (const p of sorted) {
    const inShard = (k: unknown) =>
      Number.isSafeInteger(k) && (k as number) >= p.shard.start && (k as number) < p.shard.end;
    if (!Array.isArray(p.keyframes) || !p.keyframes.every(inShard)) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `scenes partial of ${show(path)} shard ${show(p.shard.index)} lists keyframes that are not frame numbers within its frames ${p.shard.start}-${p.shard.end - 1}`,
      );
    }
    keyframes.push(...p.keyframes);
  }
  return { keyframes: [...new Set(keyframes)].sort((a, b) => a - b) };
}

/** The partials' frame times joined in order, where every one carries them. */
function joinTimes(sorted: readonly ScenePartial[], path: string): { frameTimes?: number[] } {
  const timed = sorted.filter((p) => p.frameTimes !== undefined);
  if (timed.length === 0) return {};
  const times = timed.flatMap((p) => (Array.isArray(p.frameTimes) ? p.frameTimes : [NaN]));
  if (timed.length !== sorted.length || !times.every((t) => Number.isFinite(t))) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `partial results of ${show(path)} have frame times that are not numbers or are missing from some shards`,
    );
  }
  return { frameTimes: times };
}
