import { describe, expect, it } from 'vitest';
import type { MediaInfo, VideoStreamInfo } from '../../src/media/probe.js';
import { cutMidGop, timelineRate } from '../../src/pipelines/transcode/plan.js';

const source = (r: [number, number], avg: [number, number] | undefined, variableFrameRate: boolean) =>
  ({
    video: {
      frameRate: { num: r[0], den: r[1] },
      avgFrameRate: avg && { num: avg[0], den: avg[1] },
      variableFrameRate,
    },
  }) as unknown as MediaInfo;

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
