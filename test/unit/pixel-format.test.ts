import { describe, expect, it } from 'vitest';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import {
  bitDepth,
  outputPixelFormat,
  type PixelFormatChoice,
} from '../../src/media/encoders/pixel-format.js';
import { segmentArgs } from '../../src/media/segment-args.js';
import { parseTranscodeSpec } from '../../src/pipelines/transcode/spec.js';

const settings = { quality: 70, preset: 'balanced' as const, gopFrames: 60 };

describe('outputPixelFormat', () => {
  it.each<[string, string, PixelFormatChoice, string | undefined]>([
    // auto: 4:2:0 that browsers play; 8-bit for H.264, the source's depth for HEVC and AV1.
    ['libx264', 'yuv420p10le', 'auto', 'yuv420p'],
    ['libx264', 'yuv422p', 'auto', 'yuv420p'],
    ['libx264', 'yuv444p', 'auto', 'yuv420p'],
    ['libx264', 'rgb24', 'auto', 'yuv420p'],
    ['libx264', 'yuvj420p', 'auto', 'yuvj420p'],
    ['libx264', 'yuvj422p', 'auto', 'yuvj420p'],
    ['libx265', 'yuv422p10le', 'auto', 'yuv420p10le'],
    ['libx265', 'yuv444p', 'auto', 'yuv420p'],
    ['libx265', 'yuv420p12le', 'auto', 'yuv420p10le'],
    ['libsvtav1', 'yuv420p10le', 'auto', 'yuv420p10le'],
    ['libsvtav1', 'yuvj420p', 'auto', 'yuv420p'],
    ['h264_nvenc', 'yuv420p10le', 'auto', 'yuv420p'],
    ['hevc_nvenc', 'p010le', 'auto', 'yuv420p10le'],
    // VAAPI and QSV upload nv12 themselves.
    ['h264_vaapi', 'yuv420p10le', 'auto', undefined],
    ['hevc_qsv', 'yuv422p', 'auto', undefined],
    // source: the encoder's own choice, as before.
    ['libx264', 'yuv420p10le', 'source', undefined],
    ['libx264', 'yuv420p', 'yuv422p10le', 'yuv422p10le'],
    ['hevc_nvenc', 'yuv420p', 'yuv444p', 'yuv444p'],
  ])('%s from %s asked %s encodes %s', (name, source, asked, expected) => {
    expect(outputPixelFormat(encoderByName(name)!, source, asked)).toEqual(
      expected === undefined ? {} : { pixFmt: expected },
    );
  });

  it.each<[string, PixelFormatChoice]>([
    ['libsvtav1', 'yuv444p'],
    ['h264_nvenc', 'yuv422p'],
    ['h264_vaapi', 'yuv420p10le'],
  ])('%s refuses %s', (name, asked) => {
    expect(outputPixelFormat(encoderByName(name)!, 'yuv420p', asked)).toEqual({
      refused: `${name} cannot encode ${asked}`,
    });
  });

  it.each([
    ['yuv420p', 8],
    ['yuvj422p', 8],
    ['nv12', 8],
    ['yuv420p10le', 10],
    ['p010le', 10],
    ['yuv444p12le', 12],
    ['rgb48le', 16],
    ['gray10le', 10],
  ])('%s has %d bits', (pixFmt, bits) => {
    expect(bitDepth(pixFmt)).toBe(bits);
  });
});

describe('encoders take the planned pixel format', () => {
  it.each([
    ['libx264', 'yuv420p', ['-pix_fmt', 'yuv420p']],
    ['libx265', 'yuv420p10le', ['-pix_fmt', 'yuv420p10le']],
    ['libsvtav1', 'yuv420p10le', ['-pix_fmt', 'yuv420p10le']],
    ['hevc_nvenc', 'yuv420p10le', ['-pix_fmt', 'p010le']],
  ])('%s given %s ends with %j', (name, pixFmt, tail) => {
    const args = encoderByName(name)!.args({ ...settings, pixFmt });
    expect(args.slice(-2)).toEqual(tail);
  });

  it('no planned format adds no option (GPU uploads and --pixel-format source keep their arguments)', () => {
    for (const name of ['libx264', 'libx265', 'libsvtav1', 'h264_nvenc', 'h264_vaapi', 'h264_qsv']) {
      expect(encoderByName(name)!.args(settings)).not.toContain('-pix_fmt');
    }
  });

  it('a segment encode carries it after the encoder, and VAAPI keeps its upload filter', () => {
    const job = { input: '/in.mp4', start: 0, end: 50, rate: { num: 25, den: 1 }, videoOffsetSec: 0 };
    const args = segmentArgs({
      ...job,
      normaliseVfr: false,
      encoder: encoderByName('libx264')!,
      settings: { ...settings, pixFmt: 'yuv420p' },
      output: '/out.mp4',
    });
    expect(args.slice(args.indexOf('-c:v'))).toEqual(expect.arrayContaining(['-pix_fmt', 'yuv420p']));
    const vaapi = segmentArgs({
      ...job,
      normaliseVfr: false,
      encoder: encoderByName('h264_vaapi')!,
      settings,
      output: '/out.mp4',
    });
    expect(vaapi[vaapi.indexOf('-vf') + 1]).toMatch(/format=nv12,hwupload$/);
    expect(vaapi).not.toContain('-pix_fmt');
  });
});

describe('pixelFormat in a transcode spec', () => {
  const base = { input: '/in.mp4', output: '/out.mp4' };
  it('is absent by default (auto), so the job ids of earlier specs stay the same', () => {
    expect(parseTranscodeSpec(base).pixelFormat).toBeUndefined();
  });
  it('refuses an unknown format, naming the value', () => {
    expect(() => parseTranscodeSpec({ ...base, pixelFormat: 'yuv411p' })).toThrow(
      /expected `pixelFormat` to be one of auto\|source\|yuv420p.*got `yuv411p`/,
    );
  });
  it('refuses a ladder in anything but 8-bit 4:2:0', () => {
    expect(() =>
      parseTranscodeSpec({ ...base, output: '/out.m3u8', ladder: [{ height: 360 }], pixelFormat: 'source' }),
    ).toThrow(/a ladder's rungs are 8-bit 4:2:0 \(yuv420p\).*got --pixel-format `source`/);
  });
});
