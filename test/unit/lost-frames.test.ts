import { describe, expect, it } from 'vitest';
import { LOST_FRAME, lostFrame } from '../../src/media/decode-failure.js';
import { firstGapSec } from '../../src/media/vfr.js';

describe('lost frames', () => {
  it.each([
    ['Error while decoding stream #0:0: Invalid data found when processing input', true],
    ['in.ts: corrupt input packet in stream 0', true],
    // A frame that decoded with damage concealed is kept, as plain ffmpeg keeps it.
    ['in.ts: corrupt decoded frame in stream 0', false],
    ['[h264 @ 0x1] co located POCs unavailable', false],
  ])('%s: lost %s', (line, lost) => {
    expect(LOST_FRAME.test(line)).toBe(lost);
  });

  it('names the file, where, and ffmpeg line without its file name', () => {
    const run = { watched: 'in.ts: corrupt input packet in stream 0', stderrTail: '' };
    expect(lostFrame('/x/in.ts', { ...run, watched: undefined }, 'near 2.76 s')).toBeUndefined();
    const error = lostFrame('/x/in.ts', run, 'near 2.76 s')!;
    expect(error.code).toBe('INPUT_CORRUPT');
    expect(lostFrame('/x/in.ts', run, { start: 50, end: 75, rate: { num: 25, den: 1 } })!.message).toContain(
      'a frame between 2.00 s and 3.00 s could not be read',
    );
    expect(error.message).toBe(
      'input `/x/in.ts` is corrupt: a frame near 2.76 s could not be read (corrupt input packet in stream 0); ffmpeg would put another frame in its place',
    );
  });

  it.each([
    [[0, 0.04, 0.08, 0.12], undefined],
    [[0, 0.04, 0.08, 0.2, 0.24], 0.12],
    // Jitter under half a frame is no gap.
    [[0, 0.04, 0.095, 0.12], undefined],
  ])('first gap of %j at 25 fps: %s', (times, gap) => {
    const at = firstGapSec(times, { num: 25, den: 1 });
    if (gap === undefined) expect(at).toBeUndefined();
    else expect(at).toBeCloseTo(gap, 6);
  });
});
