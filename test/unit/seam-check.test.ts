import { describe, expect, it } from 'vitest';
import { judgeSeam, psnr, PSNR_CAP, seamFailure } from '../../src/media/picture-match.js';
import { grayFramesArgs, grayFramesByCountArgs, grayKeyframesArgs } from '../../src/media/seam-frames.js';
import { transcodeTasks, type TranscodeLayout } from '../../src/pipelines/transcode/layout.js';
import type { StitchPayload } from '../../src/pipelines/transcode/payloads.js';
import { planSegments } from '../../src/pipelines/transcode/plan-segments.js';
import { judgeAll, seamCheckFor, seamCost } from '../../src/pipelines/transcode/seam-check.js';
import { packPictures, unpackPictures } from '../../src/pipelines/transcode/seam-pictures.js';
import { PLAIN_LAYOUT } from '../helpers/transcode-layout.js';

// Keyframes every 2 s of an MP4, video only.
const LAYOUT: TranscodeLayout = {
  ...PLAIN_LAYOUT,
  keyframes: [0, 60, 120, 180, 240],
  seekIndex: 'samples',
  videoStartSec: 0,
  segments: 4,
  audio: undefined,
  sourceAvGapSec: undefined,
};
const ranges = (layout: TranscodeLayout, segments: number) =>
  planSegments({ frameCount: layout.frames, fps: layout.fps, keyframes: layout.keyframes, segments });

describe('judgeSeam: an output frame against the source frames before, at and after its index', () => {
  it.each([
    ['a right frame in motion', { previous: 26, own: 44, next: 26 }, 'ok'],
    ['a right frame at the lowest quality', { previous: 24, own: 25.3, next: 24.3 }, 'ok'],
    ['a still shot: all three alike', { previous: 42.1, own: 42.1, next: 42.1 }, 'ok'],
    [
      'a nearly still shot whose neighbour is closer, but own is very good',
      { previous: 38, own: 41, next: 48 },
      'ok',
    ],
    [
      'a neighbour closer by less than the margin (encoding noise)',
      { previous: 20, own: 24, next: 26.5 },
      'ok',
    ],
    ['a scene cut at the seam: the previous frame is another shot', { previous: 9, own: 30, next: 29 }, 'ok'],
    ['one frame late', { previous: 23.2, own: 25.8, next: 56.1 }, 'late'],
    ['one frame early', { previous: 41.2, own: 23, next: 20 }, 'early'],
    [
      'coarse noise at the lowest quality: far, but own clearly best',
      { previous: 6.9, own: 13.7, next: 5.2 },
      'ok',
    ],
    ['like none of them, own no better: too little to judge', { previous: 9, own: 10, next: 8 }, 'unclear'],
  ] as const)('%s', (_name, match, verdict) => {
    expect(judgeSeam(match)).toBe(verdict);
  });

  it('psnr: identical pictures score the cap, a uniform difference of 16 about 24 dB', () => {
    const a = new Uint8Array(160 * 96).fill(100);
    expect(psnr(a, a)).toBe(PSNR_CAP);
    expect(psnr(a, new Uint8Array(a.length).fill(116))).toBeCloseTo(24.05, 2);
    expect(() => psnr(a, new Uint8Array(10))).toThrow(/differ in size/);
  });

  it('names the seam and the evidence in one line', () => {
    const place = { segment: 3, frame: 150, timeSec: 5 };
    expect(seamFailure(place, { previous: 20, own: 23.04, next: 41.2 }, 'late')).toBe(
      'segment 3 (frame 150, 5.000 s) starts one frame late: output frame 150 matches source frame 151 (41.2 dB) better than 150 (23.0 dB)',
    );
    expect(seamFailure(place, { previous: 41.2, own: 23, next: 20 }, 'early')).toMatch(
      /starts one frame early: output frame 150 matches source frame 149 \(41\.2 dB\)/,
    );
    expect(seamFailure(place, { previous: 9, own: 10, next: 11 }, 'unclear')).toMatch(
      /like none of source frames 149-151 \(best 11\.0 dB\): too little to judge by/,
    );
  });

  it('judgeAll fails each seam whose output frame is a neighbour, and skips a decode cut short', () => {
    const flat = (v: number) => new Uint8Array(16).fill(v);
    const plan = { rate: LAYOUT.rate, seams: [60, 120, 180].map((frame, i) => ({ segment: i + 1, frame })) };
    const sources = [[flat(10), flat(50), flat(90)], [flat(10), flat(50), flat(90)], [flat(10)]];
    const outputs = [[flat(50)], [flat(90)], [flat(90)]];
    expect(judgeAll(plan, sources, outputs)).toEqual({
      failures: [
        'segment 2 (frame 120, 4.000 s) starts one frame late: output frame 120 matches source frame 121 (99.0 dB) better than 120 (16.1 dB)',
      ],
      unclear: [],
    });
  });
});

describe('seamCheckFor: what the stitch checks, planned with the segments', () => {
  it('one seam per segment after the first, its source decode reaching the frame before it', () => {
    const check = seamCheckFor(LAYOUT, ranges(LAYOUT, 4));
    expect(check).toEqual({
      rate: LAYOUT.rate,
      videoOffsetSec: 0,
      videoStartSec: 0,
      seams: [
        { segment: 1, frame: 60, seekKey: 0 },
        // Between keyframes: the decode of 149 starts at 120, as a segment starting there would.
        { segment: 2, frame: 150, seekKey: 120 },
        { segment: 3, frame: 240, seekKey: 180 },
      ],
    });
  });

  it.each([
    // Seeks decode 62 + 32 + 62 frames, the decode from the start 242: seeks.
    ['keyframes every 2 s', {}, { byCount: 242, bySeek: 156 }, false],
    // Split evenly (75, 150, 225), each seek decoding from frame 0: 77 + 152 + 227.
    ['one keyframe', { keyframes: [0] }, { byCount: 227, bySeek: 456 }, true],
    // Each range from the first frame: 62 + 152 + 242.
    ['no seek (AVI)', { seekIndex: 'start' as const }, { byCount: 242, bySeek: 456 }, true],
    // A second before each keyframe without an index: 62 + 62 + 92.
    ['MPEG-TS', { seekIndex: 'none' as const }, { byCount: 242, bySeek: 216 }, true],
  ])(
    'decodes the source from its start by count where that costs little more: %s',
    (_n, change, cost, byCount) => {
      const layout = { ...LAYOUT, ...change };
      const check = seamCheckFor(layout, ranges(layout, 4));
      if (!check || 'skipped' in check) throw new Error('expected a check');
      expect(seamCost(layout, check.seams)).toEqual(cost);
      expect(check.byCount ?? false).toBe(byCount);
    },
  );

  it('the stitch payload carries it; one segment has none', () => {
    const stitch = (segments: number) =>
      transcodeTasks(LAYOUT, ranges(LAYOUT, segments)).find((t) => t.kind === 'transcode.stitch')?.payload as
        StitchPayload | undefined;
    expect(stitch(3)?.seams).toMatchObject({ seams: [{ frame: 120 }, { frame: 180 }] });
    expect(seamCheckFor(LAYOUT, ranges(LAYOUT, 1))).toBeUndefined();
  });

  it("a task of its own decodes the source's pictures beside the encodes; the stitch needs it", () => {
    const tasks = transcodeTasks(LAYOUT, ranges(LAYOUT, 3), ['scenes']);
    const pictures = tasks.find((t) => t.kind === 'transcode.seam-pictures')!;
    const stitch = tasks.find((t) => t.kind === 'transcode.stitch')!;
    expect(pictures).toMatchObject({ id: 'seam-pictures', slots: 0, dependsOn: ['scenes'] });
    expect(pictures.payload).toEqual({
      input: LAYOUT.input,
      check: (stitch.payload as StitchPayload).seams,
      key: `${LAYOUT.prefix}seam-pictures.gray`,
    });
    expect(stitch.dependsOn).toContain('seam-pictures');
    expect(stitch.payload).toMatchObject({ seamPicturesTask: 'seam-pictures' });
    // None where nothing is checked: a skipped check, or one segment.
    const vfr = transcodeTasks({ ...LAYOUT, normaliseVfr: true }, ranges(LAYOUT, 3));
    expect(vfr.map((t) => t.kind)).not.toContain('transcode.seam-pictures');
    expect(vfr.at(-1)!.payload).not.toHaveProperty('seamPicturesTask');
  });

  it('stores the pictures in one buffer, a missing one as a listed slot', () => {
    const size = 160 * 96;
    const picture = (v: number) => new Uint8Array(size).fill(v);
    const pictures = [
      [picture(1), picture(2), picture(3)],
      [picture(4), undefined, picture(6)],
    ];
    const { bytes, missing } = packPictures(pictures);
    expect(bytes.length).toBe(6 * size);
    expect(missing).toEqual([4]);
    expect(unpackPictures(bytes, 2, missing)).toEqual(pictures);
    expect(() => unpackPictures(bytes.subarray(1), 2, missing)).toThrow(/expected 6 seam pictures/);
  });

  it.each([
    ['a variable frame rate', { normaliseVfr: true }, /variable frame rate/],
    ['a lead the probe dropped', { undecodableLead: 3 }, /starts mid-GOP \(3 undecodable packets dropped\)/],
    ['processors', { process: {} as never }, /processors change the picture/],
  ])('skipped for %s, saying why', (_name, change, why) => {
    const check = seamCheckFor({ ...LAYOUT, ...change }, ranges(LAYOUT, 4));
    expect(check && 'skipped' in check ? check.skipped : undefined).toMatch(why);
  });

  it('decodes through the project range selection, guarded, as small gray raw frames', () => {
    const args = grayFramesArgs(
      '/in.mp4',
      { start: 59, rate: LAYOUT.rate, videoOffsetSec: 0, normaliseVfr: false },
      3,
    );
    expect(args.slice(0, 2)).toEqual(['-ss', '1.950000']);
    expect(args).toContain('-protocol_whitelist');
    expect(args).toContain('-format_whitelist');
    expect(grayFramesByCountArgs('/in.mp4', [59, 60, 61]).join(' ')).toMatch(
      /-i \/in\.mp4 .*-vf select='eq\(n,59\)\+eq\(n,60\)\+eq\(n,61\)',scale=160:96:flags=area,format=gray -frames:v 3 /,
    );
    expect(args.join(' ')).toMatch(
      /-vf setpts=PTS-STARTPTS,scale=160:96:flags=area,format=gray -frames:v 3 -f rawvideo pipe:1$/,
    );
  });

  it("decodes the output's seams in one run of its keyframes, each by its half-frame window", () => {
    const args = grayKeyframesArgs('/out.mkv', [
      { from: 1.99, to: 2.01 },
      { from: 3.99, to: 4.01 },
    ]);
    expect(args.slice(0, 2)).toEqual(['-skip_frame', 'nokey']);
    expect(grayKeyframesArgs('/out.mkv', [{ from: 1.99, to: 2.01 }], true).slice(0, 4)).toEqual([
      ...['-threads', '1'],
      ...['-skip_frame', 'nokey'],
    ]);
    expect(args).toContain('-protocol_whitelist');
    expect(args.join(' ')).toMatch(
      /-i \/out\.mkv .*-vf select='gte\(t,1\.990000\)\*lt\(t,2\.010000\)\+gte\(t,3\.990000\)\*lt\(t,4\.010000\)',scale=160:96:flags=area,format=gray -frames:v 2 -f rawvideo pipe:1$/,
    );
  });
});
