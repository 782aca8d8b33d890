import { describe, expect, it } from 'vitest';
import { deinterlaceFilter, isInterlaced } from '../../src/media/deinterlace.js';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { rangeInput } from '../../src/media/range-input.js';
import { outputFile } from '../../src/media/segment-args.js';
import { wholeArgs } from '../../src/media/whole-args.js';
import { parseTranscodeSpec } from '../../src/pipelines/transcode/spec.js';

const BWDIF = 'bwdif=mode=send_frame:parity=auto:deint=interlaced';
const range = { rate: { num: 25, den: 1 }, videoOffsetSec: 0, normaliseVfr: false };

describe('deinterlaceFilter', () => {
  it.each([
    ['auto', 'tt', BWDIF],
    ['auto', 'bb', BWDIF],
    ['auto', 'tb', BWDIF],
    ['auto', 'bt', BWDIF],
    ['auto', 'progressive', undefined],
    ['auto', undefined, undefined],
    ['on', 'progressive', 'bwdif=mode=send_frame:parity=auto:deint=all'],
    ['on', undefined, 'bwdif=mode=send_frame:parity=auto:deint=all'],
    ['off', 'tt', undefined],
  ] as const)('%s with field order %s: %s', (mode, order, filter) => {
    expect(deinterlaceFilter(mode, order)).toBe(filter);
    expect(isInterlaced(order)).toBe(order !== undefined && order !== 'progressive');
  });
});

describe('rangeInput deinterlaces before the range is cut', () => {
  it('runs first on the decoded frames, from the keyframe before the frame ahead of the range', () => {
    const { seek, filters } = rangeInput({ ...range, start: 50, seekKey: 25, deinterlace: BWDIF });
    expect(seek).toEqual(['-noaccurate_seek', '-ss', (1 + 0.134).toFixed(6), '-copyts', '-start_at_zero']);
    expect(filters).toEqual([BWDIF, `trim=start=${(49.5 / 25).toFixed(6)}`, 'setpts=PTS-STARTPTS']);
  });

  it('does not trust a seek onto the range itself: the frame before it would be missing', () => {
    const { seek, filters } = rangeInput({ ...range, start: 50, seekKey: 50, deinterlace: BWDIF });
    // The accurate seek, a frame earlier, and that frame dropped after the deinterlacer.
    expect(seek).toEqual(['-ss', (48.5 / 25).toFixed(6)]);
    expect(filters).toEqual([BWDIF, 'trim=start_frame=1', 'setpts=PTS-STARTPTS']);
  });

  it('without a keyframe index, seeks before the keyframe ahead of the range', () => {
    const { filters } = rangeInput({ ...range, start: 100, seekBefore: 75, deinterlace: BWDIF });
    expect(filters[0]).toBe(BWDIF);
    expect(filters[1]).toMatch(/^trim=start=/);
  });

  it('from the first frame: nothing before it to keep', () => {
    const { seek, filters } = rangeInput({ ...range, start: 0, deinterlace: BWDIF });
    expect(seek).toEqual([]);
    expect(filters).toEqual([BWDIF, 'setpts=PTS-STARTPTS']);
  });

  it('a VFR range deinterlaces the source frames before the constant-rate grid', () => {
    const { filters } = rangeInput({ ...range, normaliseVfr: true, start: 100, deinterlace: BWDIF });
    expect(filters[0]).toBe(BWDIF);
    expect(filters[1]).toMatch(/^fps=/);
  });

  it('without a deinterlacer, as before', () => {
    expect(rangeInput({ ...range, start: 50, seekKey: 50 }).filters[0]).toMatch(/^trim=start=/);
    expect(rangeInput({ ...range, start: 50 }).seek).toEqual(['-ss', (49.5 / 25).toFixed(6)]);
  });
});

describe('one pass and the output file', () => {
  const whole = {
    input: '/in.mov',
    rate: { num: 25, den: 1 },
    encoder: encoderByName('libx264')!,
    settings: { quality: 70, preset: 'fast' as const, gopFrames: 50 },
    output: '/out.mp4',
    frames: 100,
    format: 'mp4',
  };

  it('deinterlaces first and writes the start timecode', () => {
    const args = wholeArgs({ ...whole, deinterlace: BWDIF, timecode: '01:00:00:00' });
    expect(args[args.indexOf('-vf') + 1]).toBe(`${BWDIF},setpts=PTS-STARTPTS,trim=end_frame=100`);
    expect(args[args.indexOf('-timecode') + 1]).toBe('01:00:00:00');
  });

  it('writes no timecode where the source has none', () => {
    expect(wholeArgs(whole)).not.toContain('-timecode');
    expect(outputFile({ format: 'matroska', output: '/o.mkv', timecode: '10:00:00;00' })).toEqual([
      '-timecode',
      '10:00:00;00',
      '-f',
      'matroska',
      '-y',
      '/o.mkv',
    ]);
  });
});

describe('the spec', () => {
  const spec = { input: '/in.mov', output: '/out.mp4' };
  it('takes auto, on or off, and leaves it out when not given (job ids from before stay)', () => {
    expect(parseTranscodeSpec({ ...spec, deinterlace: 'on' }).deinterlace).toBe('on');
    expect('deinterlace' in parseTranscodeSpec(spec)).toBe(false);
  });
  it('refuses anything else, naming the value', () => {
    expect(() => parseTranscodeSpec({ ...spec, deinterlace: 'yadif' })).toThrow(/deinterlace.*yadif/);
  });
});
