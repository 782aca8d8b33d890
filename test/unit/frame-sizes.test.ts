import { describe, expect, it } from 'vitest';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import {
  describeSizes,
  fitSizeFilter,
  refuseJoins,
  sizeChanges,
  sizesMayChange,
  timestampRestart,
} from '../../src/media/frame-sizes.js';
import { rangeInput } from '../../src/media/range-input.js';
import { segmentArgs, splitEncodeArgs } from '../../src/media/segment-args.js';
import { grayFramesByCountArgs } from '../../src/media/seam-frames.js';
import { cfrCountArgs } from '../../src/media/vfr.js';
import { wholeArgs } from '../../src/media/whole-args.js';

const FIT = fitSizeFilter(320, 240, { num: 1, den: 1 });
const rate = { num: 25, den: 1 };
const range = { rate, videoOffsetSec: 0, normaliseVfr: false };
const SETTINGS = { quality: 70, preset: 'fast' as const, gopFrames: 50 };

describe('where a size can change mid-stream', () => {
  it.each([
    ['mpegts', true],
    ['mpeg', true],
    ['h264', true],
    ['hevc', true],
    ['flv', true],
    ['mpegvideo', true],
    ['mov,mp4,m4a,3gp,3g2,mj2', false],
    ['matroska,webm', false],
    ['avi', false],
  ])('%s: %s', (format, may) => expect(sizesMayChange(format)).toBe(may));
});

describe('sizeChanges', () => {
  const key = (timeSec: number, width: number, height: number) => ({ timeSec, width, height });
  it.each([
    ['one size', [key(1.4, 320, 240), key(2.4, 320, 240)], undefined],
    ['no keyframe read', [], undefined],
    [
      'a change, times from the stream start',
      [key(1.4, 320, 240), key(2.4, 320, 240), key(3.4, 160, 120), key(4.4, 160, 120)],
      [
        { width: 320, height: 240, atSec: 0 },
        { width: 160, height: 120, atSec: 2 },
      ],
    ],
    [
      'back again',
      [key(1.4, 1920, 1080), key(3.4, 1280, 720), key(5.4, 1920, 1080)],
      [
        { width: 1920, height: 1080, atSec: 0 },
        { width: 1280, height: 720, atSec: 2 },
        { width: 1920, height: 1080, atSec: 4 },
      ],
    ],
  ])('%s', (_name, keys, sizes) => expect(sizeChanges(keys, 1.4)).toEqual(sizes));

  it('is described in one line', () => {
    const sizes = sizeChanges([key(0, 1920, 1080), key(61.5, 1280, 720)], 0)!;
    expect(describeSizes(sizes)).toBe('1920x1080, then 1280x720 from 61.500 s');
  });
});

describe('timestampRestart', () => {
  it.each([
    ['steady', [0, 0.04, 0.08, 0.12], undefined],
    ['reordering jitter', [0.08, 0, 0.04, 0.16, 0.12], undefined],
    ['missing times', [0, Number.NaN, 0.08], undefined],
    ['a restart (cat a.ts b.ts)', [1.4, 2, 3.36, 1.4, 1.44], { fromSec: 3.36, toSec: 1.4 }],
  ])('%s', (_name, dts, restart) => {
    expect(timestampRestart(dts.map((d) => ({ dts: d })))).toEqual(restart);
  });

  it('is refused with the way to join the files', () => {
    const joins = { timestampRestart: { fromSec: 3.36, toSec: 1.4 } };
    expect(() => refuseJoins('cat.ts', joins, 'input')).toThrow(/restart mid-stream .*-f concat/);
  });
});

describe('a source that changes size: every frame range is scaled to the first size', () => {
  it('scales first, before any other filter, with the graph kept across the change', () => {
    expect(FIT).toBe('scale=320:240,setsar=1/1');
    const { seek, filters } = rangeInput({ ...range, start: 50, seekBefore: 50, fitSize: FIT });
    expect(seek.slice(0, 2)).toEqual(['-reinit_filter', '0']);
    expect(filters[0]).toBe(FIT);
    expect(filters.slice(1)).toEqual(rangeInput({ ...range, start: 50, seekBefore: 50 }).filters);
  });

  it('leaves every other source as it was: no -reinit_filter, no scale', () => {
    const encoder = encoderByName('libx264')!;
    const job = { ...range, input: 'in.ts', start: 0, end: 50, encoder, settings: SETTINGS, output: 'o.mp4' };
    for (const args of [
      segmentArgs(job),
      wholeArgs({ ...job, frames: 50, format: 'mp4' }),
      cfrCountArgs('in.ts', rate),
      grayFramesByCountArgs('in.ts', [1, 2]),
    ]) {
      expect(args).not.toContain('-reinit_filter');
      expect(args.join(' ')).not.toContain('scale=320:240');
    }
    for (const args of [
      segmentArgs({ ...job, fitSize: FIT }),
      wholeArgs({ ...job, frames: 50, format: 'mp4', fitSize: FIT }),
      cfrCountArgs('in.ts', rate, FIT),
      grayFramesByCountArgs('in.ts', [1, 2], FIT),
      splitEncodeArgs({
        ...job,
        fitSize: FIT,
        outputs: [{ encoder, settings: SETTINGS, output: 'o.mp4', filters: [] }],
      }),
    ]) {
      // An input option: before the input.
      expect(args.indexOf('-reinit_filter')).toBeLessThan(args.indexOf('-i'));
      expect(args.find((a) => a.includes('setsar=1/1'))).toMatch(/(^|\]|,)scale=320:240,setsar=1\/1/);
    }
  });
});
