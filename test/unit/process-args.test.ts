import { describe, expect, it } from 'vitest';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { segmentArgs } from '../../src/media/segment-args.js';
import {
  convertFramesArgs,
  decodeRangeArgs,
  encodeProcessedArgs,
} from '../../src/pipelines/transcode/process-args.js';

const rate = { num: 30000, den: 1001 };
const x264 = encoderByName('libx264')!;
const settings = { quality: 70, preset: 'balanced' as const, gopFrames: 60 };
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('processor argument builders (pure)', () => {
  it('decodes a range with context exactly as a segment encode seeks it', () => {
    const range = { input: '/in.mp4', start: 96, end: 200, rate, videoOffsetSec: 0, normaliseVfr: false };
    const args = decodeRangeArgs({ ...range, to: { kind: 'video', path: '/s/in-0.mkv' } });
    const encode = segmentArgs({ ...range, encoder: x264, settings, output: '/s/seg.mp4' });
    expect(after(args, '-ss')).toBe(after(encode, '-ss'));
    expect(after(args, '-frames:v')).toBe('104');
    expect(after(args, '-c:v')).toBe('ffv1');
    expect(args).toContain('-format_whitelist');
    const png = decodeRangeArgs({ ...range, start: 0, to: { kind: 'frames', dir: '/s/in-0' } });
    expect(png).not.toContain('-ss');
    expect(png.slice(-6, -1)).toEqual(['-start_number', '1', '-f', 'image2', '-y']);
    expect(png.at(-1)).toBe('/s/in-0/%06d.png');
  });

  it('encodes a processed range: context dropped, re-timed onto the job rate, back to the source format', () => {
    const fromPng = encodeProcessedArgs({
      from: { kind: 'frames', dir: '/s/out-1' },
      skip: 4,
      frames: 100,
      rate,
      pixFmt: 'yuv420p',
      encoder: x264,
      settings,
      output: '/s/seg.mp4',
    });
    expect(after(fromPng, '-start_number')).toBe('5');
    expect(after(fromPng, '-framerate')).toBe('30000/1001');
    expect(after(fromPng, '-vf')).toBe('settb=1001/30000,setpts=N,format=yuv420p');
    expect(after(fromPng, '-frames:v')).toBe('100');
    expect(after(fromPng, '-protocol_whitelist')).toBe('file');
    const fromVideo = encodeProcessedArgs({
      from: { kind: 'video', path: '/s/out-1.mkv' },
      skip: 4,
      frames: 100,
      rate,
      pixFmt: 'yuv420p10le',
      encoder: encoderByName('h264_vaapi')!,
      settings,
      renderNode: '/dev/dri/renderD129',
      output: '/s/seg.mp4',
    });
    expect(after(fromVideo, '-vf')).toBe(
      'trim=start_frame=4,settb=1001/30000,setpts=N,format=yuv420p10le,format=nv12,hwupload',
    );
    expect(after(fromVideo, '-vaapi_device')).toBe('/dev/dri/renderD129');
  });

  it('converts between a video and PNG frames for a chain that mixes them', () => {
    const args = convertFramesArgs(
      { kind: 'video', path: '/s/a.mkv' },
      { kind: 'frames', dir: '/s/b' },
      rate,
    );
    expect(args.at(-1)).toBe('/s/b/%06d.png');
    expect(after(args, '-i')).toBe('/s/a.mkv');
  });
});
