import { describe, expect, it } from 'vitest';
import { parseFfmpegVersion } from '../../src/media/binaries.js';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { vfrPreRoll } from '../../src/media/keyframe-seek.js';
import { parseProgressBlock } from '../../src/media/progress.js';
import { decodablePackets } from '../../src/media/packet-times.js';
import { analysePackets, withPresentationTimes } from '../../src/media/probe.js';
import { parsePsnrStats } from '../../src/media/quality.js';
import { audioArgs, concatList, segmentArgs, segmentTimescale } from '../../src/media/segment-args.js';
import { stitchArgs } from '../../src/media/stitch-args.js';
import { chaptersMetadata } from '../../src/media/chapters.js';

const base = {
  input: '/in.mp4',
  rate: { num: 30, den: 1 },
  videoOffsetSec: 0,
  normaliseVfr: false,
  encoder: encoderByName('libx264')!,
  settings: { quality: 70, preset: 'fast' as const, gopFrames: 60 },
  output: '/scratch/seg.mp4',
};

describe('segmentArgs', () => {
  it('starts the first segment without seeking', () => {
    const args = segmentArgs({ ...base, start: 0, end: 90 });
    expect(args).not.toContain('-ss');
    expect(args).toEqual(expect.arrayContaining(['-frames:v', '90', '-fps_mode', 'passthrough', '-an']));
  });
  it('seeks half a frame before the first frame of later segments', () => {
    const args = segmentArgs({ ...base, start: 90, end: 200 });
    expect(args[args.indexOf('-ss') + 1]).toBe((89.5 / 30).toFixed(6));
    expect(args[args.indexOf('-frames:v') + 1]).toBe('110');
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
  });
  it('accounts for a video stream that starts after the container', () => {
    const args = segmentArgs({ ...base, start: 30, end: 60, videoOffsetSec: 0.5 });
    expect(args[args.indexOf('-ss') + 1]).toBe((29.5 / 30 + 0.5).toFixed(6));
  });
  it('whitelists local protocols for the input', () => {
    const args = segmentArgs({ ...base, start: 0, end: 10 });
    expect(args[args.indexOf('-protocol_whitelist') + 1]).toBe('file,pipe');
  });
  it('normalises VFR on an absolute grid', () => {
    const args = segmentArgs({ ...base, normaliseVfr: true, start: 300, end: 400 });
    expect(args).toContain('-copyts');
    expect(args[args.indexOf('-vf') + 1]).toBe(
      'fps=fps=30/1:start_time=0,trim=start_frame=300,setpts=PTS-STARTPTS',
    );
  });
  it('in a container without a keyframe index, seeks a second before the keyframe and trims from there', () => {
    // Keyframe 60 (2 s) for frame 100 of a stream 0.5 s after the container start: -ss 1.5 s.
    const args = segmentArgs({ ...base, start: 100, end: 130, videoOffsetSec: 0.5, seekBefore: 60 });
    expect(args.slice(0, args.indexOf('-protocol_whitelist'))).toEqual([
      '-noaccurate_seek',
      '-ss',
      '1.500000',
    ]);
    // No -copyts: times count from the seek point, frame 100 at 100/30 + 0.5 - 1.5 s.
    expect(args).not.toContain('-copyts');
    expect(args[args.indexOf('-vf') + 1]).toBe(
      `trim=start=${(99.5 / 30 + 0.5 - 1.5).toFixed(6)},setpts=PTS-STARTPTS`,
    );
    // Keyframes in the first 2 s: no seek (one aimed before the first packet can leave a demuxer
    // anywhere); decode from the first frame and drop by count.
    const early = segmentArgs({ ...base, start: 50, end: 80, videoOffsetSec: 0.5, seekBefore: 40 });
    expect(early).not.toContain('-ss');
    expect(early[early.indexOf('-vf') + 1]).toBe('trim=start_frame=50,setpts=PTS-STARTPTS');
  });
  it('cuts a source cut mid-GOP at its first keyframe by time where decoding starts at its first packet', () => {
    // HEVC's decoder shows the pictures before the first keyframe (4.0 s on the source's clock):
    // counting from the first decoded frame took them for the video's first frames.
    const cut = { ...base, videoOffsetSec: 0.5, videoStartSec: 4, cutMidGop: true };
    const first = segmentArgs({ ...cut, start: 0, end: 30 });
    expect(first.slice(0, first.indexOf('-protocol_whitelist'))).toEqual(['-copyts']);
    expect(first[first.indexOf('-vf') + 1]).toBe(
      `trim=start=${(4 - 0.5 / 30).toFixed(6)},setpts=PTS-STARTPTS`,
    );
    // Near the start, where a range decodes from the first packet too: frame 50 after the keyframe.
    const early = segmentArgs({ ...cut, start: 50, end: 80, seekBefore: 40 });
    expect(early.slice(0, early.indexOf('-protocol_whitelist'))).toEqual(['-copyts']);
    expect(early[early.indexOf('-vf') + 1]).toBe(
      `trim=start=${(4 + 49.5 / 30).toFixed(6)},setpts=PTS-STARTPTS`,
    );
    // After a seek, the trim is by time already; a plan without the video's start keeps the count.
    const later = segmentArgs({ ...cut, start: 100, end: 130, seekBefore: 60 });
    expect(later[later.indexOf('-vf') + 1]).toBe(
      `trim=start=${(4 + 99.5 / 30).toFixed(6)},setpts=PTS-STARTPTS`,
    );
    const older = segmentArgs({ ...cut, videoStartSec: undefined, start: 50, end: 80, seekBefore: 40 });
    expect(older[older.indexOf('-vf') + 1]).toBe('trim=start_frame=50,setpts=PTS-STARTPTS');
  });
  it('pre-rolls a VFR range in a container without a keyframe index by its longest GOP', () => {
    const args = segmentArgs({ ...base, normaliseVfr: true, start: 300, end: 400, preRollSec: 6 });
    expect(args[args.indexOf('-ss') + 1]).toBe('4.000000');
    // Within a second of the start: no seek.
    expect(segmentArgs({ ...base, normaliseVfr: true, start: 200, end: 300, preRollSec: 6 })).not.toContain(
      '-ss',
    );
    // Frames at 30 fps, keyframes 0, 150 and 200: the longest GOP is 5 s, plus SEEK_BACK.
    const times = (n: number) => [...Array(n).keys()].map((i) => i / 30);
    expect(vfrPreRoll([0, 150, 200], times(300))).toBe(6);
    // Short GOPs keep the 2 s pre-roll.
    expect(vfrPreRoll([0, 30], times(60))).toBe(2);
  });
  it('uses a timescale that is a multiple of the rate', () => {
    expect(segmentTimescale({ num: 30, den: 1 }) % 30).toBe(0);
    expect(segmentTimescale({ num: 30000, den: 1001 })).toBe(30000);
  });
});

describe('stitch and audio', () => {
  it('copies streams and moves the index to the front', () => {
    const args = stitchArgs({
      concatList: '/l.txt',
      audio: '/a.m4a',
      audioOffsetSec: 0,
      format: 'mp4',
      output: '/o.part',
    });
    expect(args).toEqual(
      expect.arrayContaining(['-f', 'concat', '-safe', '0', '-c', 'copy', '-movflags', '+faststart']),
    );
    expect(args).not.toContain('-itsoffset');
  });
  it.each([
    { format: 'mp4', codec: 'hevc', faststart: undefined, tag: 'hvc1', indexFirst: true },
    { format: 'mov', codec: 'hevc', faststart: true, tag: 'hvc1', indexFirst: true },
    { format: 'mp4', codec: 'h264', faststart: false, tag: undefined, indexFirst: false },
    { format: 'matroska', codec: 'hevc', faststart: true, tag: undefined, indexFirst: false },
  ])('$format $codec faststart=$faststart: tag $tag, index first $indexFirst', (c) => {
    const args = stitchArgs({ concatList: '/l', audio: undefined, audioOffsetSec: 0, output: '/o', ...c });
    expect(args.includes('-tag:v') ? args[args.indexOf('-tag:v') + 1] : undefined).toBe(c.tag);
    expect(args.includes('+faststart')).toBe(c.indexFirst);
  });
  it.each([
    { audio: '/a.m4a', input: '2' },
    { audio: undefined, input: '1' },
  ])('takes the global tags from the file named (audio $audio: input $input)', ({ audio, input }) => {
    const args = stitchArgs({
      concatList: '/l',
      audio,
      audioOffsetSec: 0,
      format: 'mp4',
      output: '/o',
      metadataFrom: '/s0.mp4',
    });
    expect(args[args.lastIndexOf('-i') + 1]).toBe('/s0.mp4');
    expect(args[args.indexOf('-map_metadata') + 1]).toBe(input);
    expect(
      stitchArgs({ concatList: '/l', audio, audioOffsetSec: 0, format: 'mp4', output: '/o' }),
    ).not.toContain('-map_metadata');
  });
  it('takes the chapters from an FFMETADATA file after the tags file', () => {
    const args = stitchArgs({
      ...{ concatList: '/l', audio: undefined, audioOffsetSec: 0, format: 'mp4', output: '/o' },
      ...{ metadataFrom: '/s0.mp4', chaptersFrom: '/c.ffmeta' },
    });
    expect(args.slice(args.lastIndexOf('-i') - 2, args.lastIndexOf('-i') + 2)).toEqual([
      '-f',
      'ffmetadata',
      '-i',
      '/c.ffmeta',
    ]);
    expect(args[args.indexOf('-map_metadata') + 1]).toBe('1');
    expect(args[args.indexOf('-map_chapters') + 1]).toBe('2');
  });
  it('writes chapters as FFMETADATA, escaping its special characters', () => {
    expect(
      chaptersMetadata([
        { timeBase: '1/1000', start: 0, end: 1500, title: 'a=b; #c\\d' },
        { timeBase: '1/90000', start: 135000, end: 270000 },
      ]),
    ).toBe(
      ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=a\\=b\\; \\#c\\\\d\n[CHAPTER]\nTIMEBASE=1/90000\nSTART=135000\nEND=270000\n',
    );
  });
  it('keeps an audio offset', () => {
    const args = stitchArgs({
      concatList: '/l',
      audio: '/a',
      audioOffsetSec: 0.25,
      format: 'matroska',
      output: '/o',
    });
    expect(args[args.indexOf('-itsoffset') + 1]).toBe('0.250000');
  });
  it('cuts audio that starts before the video at the first video frame', () => {
    const args = stitchArgs({
      concatList: '/l',
      audio: '/a',
      audioOffsetSec: -0.3,
      format: 'mp4',
      output: '/o',
    });
    expect(args).not.toContain('-itsoffset');
    // On the audio input, before it.
    expect(args[args.indexOf('-ss') + 1]).toBe('0.300000');
    expect(args.indexOf('-ss')).toBeLessThan(args.lastIndexOf('-i'));
    expect(args.indexOf('-ss')).toBeGreaterThan(args.indexOf('-i'));
  });
  it('quotes paths in the concat list', () => {
    expect(concatList(["/tmp/it's.mp4"])).toBe("ffconcat version 1.0\nfile '/tmp/it'\\''s.mp4'\n");
  });
  it('encodes audio once or copies it', () => {
    expect(audioArgs({ input: '/i', mode: 'copy', bitrateKbps: 160, output: '/a' })).toEqual(
      expect.arrayContaining(['-c:a', 'copy']),
    );
    expect(audioArgs({ input: '/i', mode: 'aac', bitrateKbps: 96, output: '/a' })).toEqual(
      expect.arrayContaining(['-c:a', 'aac', '-b:a', '96k']),
    );
  });
});

describe('parsers', () => {
  it.each([
    ['ffmpeg version 5.1.9-0+deb12u1 Copyright', 5, 1],
    ['ffmpeg version n6.1.1 Copyright', 6, 1],
    ['ffmpeg version 4.4.2-0ubuntu0.22.04.1', 4, 4],
    ['ffmpeg version N-112233-gabcdef', 99, 0],
  ])('version of %s', (line, major, minor) => {
    expect(parseFfmpegVersion(line)).toMatchObject({ major, minor });
  });
  it('parses a progress block', () => {
    const p = parseProgressBlock('frame=120\nfps=59.5\nout_time_us=4000000\nspeed=2.1x\nprogress=continue\n');
    expect(p).toEqual({ frame: 120, fps: 59.5, outTimeSec: 4, speed: 2.1, done: false });
  });
  it('parses psnr stats', () => {
    expect(parsePsnrStats('n:1 mse_avg:1 psnr_avg:41.50 psnr_y:40\nn:2 mse_avg:0 psnr_avg:inf\n')).toEqual([
      41.5, 100,
    ]);
  });
  it('finds keyframes in presentation order and detects VFR', () => {
    const cfr = [0, 2, 1, 3].map((i) => ({ pts: i / 30, duration: 1 / 30, key: i === 0 || i === 2 }));
    expect(analysePackets(cfr, { num: 30, den: 1 })).toEqual({
      frameCount: 4,
      keyframes: [0, 2],
      variableFrameRate: false,
    });
    const times = [0, 0.033, 0.1, 0.12, 0.2, 0.3, 0.31, 0.4];
    const vfr = times.map((t) => ({ pts: t, duration: 0, key: false }));
    expect(analysePackets(vfr, { num: 30, den: 1 }).variableFrameRate).toBe(true);
  });
  it('calls one gap of a frame or more VFR, and one short or slightly long step not', () => {
    const at = (times: number[]) => times.map((t) => ({ pts: t, duration: 0, key: false }));
    const steady = Array.from({ length: 90 }, (_, i) => i / 30);
    // 30 frames, 3 s of nothing, 59 frames: counted at 30 fps it lasted 3 s, not 6.
    const gap = at([...steady.slice(0, 30), ...steady.slice(0, 59).map((t) => t + 4)]);
    const found = analysePackets(gap, { num: 30, den: 1 });
    expect(found.variableFrameRate).toBe(true);
    expect(found.frameTimes?.[30]).toBeCloseTo(4, 6);
    // One frame dropped is a gap too.
    expect(analysePackets(at(steady.filter((_, i) => i !== 40)), { num: 30, den: 1 }).variableFrameRate).toBe(
      true,
    );
    // Decode times in place of presentation times (AVI): a reordering decoder's delay after the first.
    const avi = [0, ...steady.slice(2)].map((t) => ({ pts: Number.NaN, dts: t, duration: 0, key: false }));
    expect(analysePackets(withPresentationTimes(avi), { num: 30, den: 1 }).variableFrameRate).toBe(false);
    // A final short frame, an edit-list seam of half a frame: still constant.
    expect(analysePackets(at([...steady, 3.005]), { num: 30, den: 1 }).variableFrameRate).toBe(false);
    expect(
      analysePackets(at(steady.map((t, i) => (i >= 45 ? t + 0.5 / 30 : t))), { num: 30, den: 1 })
        .variableFrameRate,
    ).toBe(false);
  });
  it('counts packets without a presentation time: decode times (AVI), or the holes on the grid (MPEG-PS)', () => {
    const avi = [0, 1, 2, 3].map((i) => ({ pts: Number.NaN, dts: i / 25, duration: 0.04, key: i === 0 }));
    expect(analysePackets(withPresentationTimes(avi), { num: 25, den: 1 })).toEqual({
      frameCount: 4,
      keyframes: [0],
      variableFrameRate: false,
    });
    // Frames 2 and 5 of 0-6 carry no pts; their decode times would collide with others' pts.
    const ps = [0, 3, 1, 2, 6, 4, 5].map((i) => ({
      pts: i === 2 || i === 5 ? Number.NaN : i / 25,
      dts: (i - 1) / 25,
      duration: 0.04,
      key: i === 0,
    }));
    const filled = withPresentationTimes(ps).map((p) => Math.round(p.pts * 25));
    expect(filled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('fills the missing presentation times of a two-hour stream (more packets than a call takes arguments)', () => {
    const packets = Array.from({ length: 200_000 }, (_, i) => ({
      pts: i % 7 === 3 ? Number.NaN : i / 25,
      duration: 0.04,
      key: i % 50 === 0,
    }));
    const filled = withPresentationTimes(packets);
    expect(filled).toHaveLength(200_000);
    expect(filled.every((p) => Number.isFinite(p.pts))).toBe(true);
  });
  it('leaves out what precedes the first keyframe of a stream cut mid-GOP, and its leading pictures', () => {
    // Decode order; pts in frames. Cut in: P 10, B 8, B 9, then the keyframe 12 with an open-GOP B 11.
    const order = [
      [10, false],
      [8, false],
      [9, false],
      [12, true],
      [11, false],
      [15, false],
      [13, false],
      [14, false],
    ] as const;
    const cut = order.map(([t, key]) => ({ pts: t / 25, duration: 0.04, key }));
    expect(decodablePackets(cut).map((p) => Math.round(p.pts * 25))).toEqual([12, 15, 13, 14]);
    // Opening with a keyframe, or none flagged at all: every packet counts.
    expect(decodablePackets(cut.slice(3))).toHaveLength(5);
    expect(decodablePackets(cut.map((p) => ({ ...p, key: false })))).toHaveLength(8);
  });
});
