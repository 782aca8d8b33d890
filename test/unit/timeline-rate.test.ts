import { describe, expect, it } from 'vitest';
import type { MediaInfo, VideoStreamInfo } from '../../src/media/probe.js';
import { fastestSteadyRate } from '../../src/media/vfr.js';
import { cutMidGop, timelineRate } from '../../src/pipelines/transcode/plan.js';

const source = (
  r: [number, number],
  avg: [number, number] | undefined,
  variableFrameRate: boolean,
  frameTimes?: number[],
) =>
  ({
    video: {
      frameRate: { num: r[0], den: r[1] },
      avgFrameRate: avg && { num: avg[0], den: avg[1] },
      variableFrameRate,
      ...(frameTimes ? { frameTimes } : {}),
    },
  }) as unknown as MediaInfo;

/** Frame times in whole milliseconds (Matroska's): `n` frames at each rate in turn. */
const msTimes = (...stretches: [number, number][]) => {
  const times: number[] = [];
  let t = 0;
  for (const [fps, n] of stretches) {
    for (let i = 0; i < n; i++) times.push(Math.round((t + i / fps) * 1000) / 1000);
    t += n / fps;
  }
  return times;
};

describe('timelineRate', () => {
  it('keeps a constant-rate source on its own rate', () => {
    expect(timelineRate(source([30000, 1001], [30000, 1001], false))).toEqual({ num: 30000, den: 1001 });
  });
  it('puts a VFR source on its base rate, so no frame of a fast stretch is dropped', () => {
    // 30 fps, then 15 fps: the average (12.08) would drop every other frame of the first part.
    expect(timelineRate(source([30, 1], [40_000_000, 3_311_111], true))).toEqual({ num: 30, den: 1 });
    // A phone's jittery 29.97: base and average agree.
    expect(timelineRate(source([30, 1], [2997, 100], true))).toEqual({ num: 30, den: 1 });
  });
  it('falls back to the average where the base rate is a time base in disguise or below it', () => {
    expect(timelineRate(source([90000, 1], [2997, 100], true))).toEqual({ num: 2997, den: 100 });
    expect(timelineRate(source([24, 1], [30, 1], true))).toEqual({ num: 30, den: 1 });
  });
  // Found by the new-user trial: a 25-then-12.5 fps MP4 remuxed to Matroska reads r_frame_rate
  // 6250/397 (15.7, the average, from the track's default duration): 37 of the 25 fps stretch's
  // 100 frames were dropped.
  it('takes the fastest steady stretch where the base rate is only the average', () => {
    const times = msTimes([25, 100], [12.5, 150]);
    expect(timelineRate(source([6250, 397], [6250, 397], true, times))).toEqual({ num: 25, den: 1 });
    expect(timelineRate(source([90000, 1], [6250, 397], true, times))).toEqual({ num: 25, den: 1 });
    // A phone's jittery 29.97 (steps 29-37 ms) keeps its base rate.
    const jitter = msTimes([30000 / 1001, 120]).map((t, i) => (i % 2 ? t + 0.004 : t));
    expect(timelineRate(source([30, 1], [2997, 100], true, jitter))).toEqual({ num: 30, den: 1 });
  });
});

describe('fastestSteadyRate', () => {
  it.each([
    ['25 then 12.5 fps', msTimes([25, 100], [12.5, 150]), { num: 25, den: 1 }],
    ['29.97 in milliseconds', msTimes([30000 / 1001, 90], [10, 30]), { num: 30000, den: 1001 }],
    ['60 in milliseconds', msTimes([60, 60], [20, 60]), { num: 60, den: 1 }],
    ['an odd rate', msTimes([17, 40], [5, 20]), { num: 17, den: 1 }],
  ])('%s', (_name, times, rate) => {
    expect(fastestSteadyRate(times)).toEqual(rate);
  });
  it('ignores a burst of short steps that is no stretch', () => {
    const times = msTimes([30, 100]).map((t, i) => (i % 20 === 10 ? t - 0.025 : t));
    expect(fastestSteadyRate(times)).toBeUndefined();
  });
});

describe('cutMidGop', () => {
  const video = (undecodableLead?: number) => ({ undecodableLead }) as unknown as VideoStreamInfo;
  it.each([
    ['a TS cut mid-GOP', 4, 'mpegts', { cutMidGop: true }],
    ['an MPEG-PS cut mid-GOP', 2, 'mpeg', { cutMidGop: true }],
    ['a TS that opens with a keyframe', undefined, 'mpegts', {}],
    // Its packets carry only decode times: no cut by time (its H.264 decoder drops the lead itself).
    ['an AVI cut mid-GOP', 3, 'avi', {}],
  ])('%s', (_, lead, format, expected) => {
    expect(cutMidGop(video(lead), format)).toEqual(expected);
  });
});
