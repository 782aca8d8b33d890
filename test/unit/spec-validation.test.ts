import { describe, expect, it } from 'vitest';
import { show } from '../../src/errors.js';
import { unknownEncoder } from '../../src/media/encoders/select.js';
import { proxySpecSchema, parseWith } from '../../src/pipelines/analyze/spec-schemas.js';
import { pathProblem } from '../../src/pipelines/schema.js';
import { parseTranscodeSpec } from '../../src/pipelines/transcode/spec.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('validation at submit (one zod schema for the CLI and the API)', () => {
  it.each([
    ['auto', 'h264', undefined],
    ['cpu', 'av1', undefined],
    ['x264', 'h264', undefined],
    ['hevc_nvenc', 'h264', undefined], // an exact encoder names its own codec
    ['svtav1', 'av1', undefined],
    ['svtav1', 'h264', 'UNKNOWN_ENCODER'],
    ['x265', 'av1', 'UNKNOWN_ENCODER'],
    ['libx264 -vf drawtext', 'h264', 'UNKNOWN_ENCODER'],
    ['foo', 'h264', 'UNKNOWN_ENCODER'],
  ] as const)('encoder %s for %s', (encoder, codec, expected) => {
    expect(unknownEncoder(encoder, codec)?.code).toBe(expected);
  });

  it.each([
    ['/in/a.mp4', undefined],
    [`/in/${'n'.repeat(255)}`, undefined],
    [`/in/${'n'.repeat(256)}`, 'has a name of 256 bytes, over the limit of 255'],
    [`/in/${'é'.repeat(128)}`, 'has a name of 256 bytes, over the limit of 255'],
    [`/${'d/'.repeat(2048)}a`, 'is 4098 bytes long, over the limit of 4096'],
    ['/in/a\0.mp4', 'contains a NUL byte'],
    [`https://host/a.mp4?X-Amz-Signature=${'f'.repeat(900)}`, undefined],
  ])('path %#', (value, expected) => {
    expect(pathProblem(value)).toBe(expected);
  });

  it.each([
    ['an unknown encoder', { encoder: 'foo' }, 'UNKNOWN_ENCODER'],
    ['a family without the codec', { encoder: 'svtav1', codec: 'hevc' }, 'UNKNOWN_ENCODER'],
    ['an unsupported output extension', { output: '/out/a.avi' }, 'INVALID_SPEC'],
    ['an output without extension', { output: '/out/a' }, 'INVALID_SPEC'],
    ['a 5,000-character output name', { output: `/out/${'x'.repeat(5000)}.mp4` }, 'INVALID_SPEC'],
    ['a valid spec', {}, 'ok'],
  ])('transcode spec: %s', (_name, change, expected) => {
    const spec = { input: '/in/a.mp4', output: '/out/a.mp4', ...change };
    expect(codeOf(() => parseTranscodeSpec(spec))).toBe(expected);
  });

  // The shared messages (schema.ts) for every spec: a list too short, a field missing.
  it.each([
    [
      'transcode',
      () =>
        parseTranscodeSpec({
          input: '/in/a.mp4',
          output: '/out/a.m3u8',
          ladder: [{ height: 360 }],
          packages: [],
        }),
      'invalid transcode spec: expected `packages` to have at least 1 item, got an empty list',
    ],
    [
      'transcode',
      () => parseTranscodeSpec({ output: '/out/a.mp4' }),
      'invalid transcode spec: expected `input` to be a non-empty string, got nothing (it is missing)',
    ],
    [
      'proxy',
      () => parseWith(proxySpecSchema, 'proxy', { output: '/out/p.mp4' }),
      'invalid proxy spec: expected `input` to be a non-empty file path, got nothing (it is missing)',
    ],
  ])('%s spec: one line naming the field and the value', (_type, parse, message) => {
    expect(() => parse()).toThrow(message);
  });

  it('analysis specs refuse over-long paths too', () => {
    const spec = { input: `/in/${'y'.repeat(300)}.mp4`, output: '/out/p.mp4' };
    expect(codeOf(() => parseWith(proxySpecSchema, 'proxy', spec))).toBe('INVALID_SPEC');
  });

  it('messages echo a short, escaped prefix of a huge or nested value', () => {
    expect(show('x'.repeat(900_000))).toBe(`\`${'x'.repeat(200)}\`... (900000 chars)`);
    expect(show('a\nb\0')).toBe('`a\\u000ab\\u0000`');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(show(deep)).toBe('`[[[[[...]]]]]`');
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(show(wide).length).toBeLessThan(260);
  });
});
