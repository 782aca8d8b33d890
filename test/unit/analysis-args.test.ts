import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { analysisSize, frameDecodeArgs } from '../../src/media/decode-frames.js';
import { pcmDecodeArgs } from '../../src/media/decode-pcm.js';
import { guardedInput, localInput } from '../../src/media/guarded-input.js';
import { proxyArgs } from '../../src/media/proxy.js';

const base = { path: 'in.mp4', width: 256, height: 144, fps: 25 };

describe('frame decode arguments', () => {
  it('decodes on the CPU by default, scaled to raw yuv420p on stdout', () => {
    const args = frameDecodeArgs(base);
    expect(args).not.toContain('-hwaccel');
    expect(args).not.toContain('-ss');
    expect(args.join(' ')).toContain('-vf scale=256:144:flags=fast_bilinear,format=yuv420p');
    expect(args.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
    expect(args).toContain('-protocol_whitelist');
  });

  it('sets decoder threads before the input: twice the cores by default, or as asked', () => {
    const threads = (args: string[]) => args[args.indexOf('-threads') + 1];
    expect(Number(threads(frameDecodeArgs(base)))).toBe(Math.min(16, 2 * availableParallelism()));
    const args = frameDecodeArgs({ ...base, threads: 3 });
    expect(threads(args)).toBe('3');
    expect(args.indexOf('-threads')).toBeLessThan(args.indexOf('-i'));
  });

  it('seeks half a frame before the first wanted frame and limits the count', () => {
    const args = frameDecodeArgs({ ...base, startFrame: 100, frameCount: 50 });
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 2)).toEqual(['-ss', '3.980000']);
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
    expect(args.slice(args.indexOf('-frames:v'), args.indexOf('-frames:v') + 2)).toEqual(['-frames:v', '50']);
  });

  it('counts a source cut mid-GOP from its first keyframe, by time on its own clock', () => {
    const first = frameDecodeArgs({ ...base, firstKeyframeSec: 1.4 });
    expect(first).toContain('-copyts');
    expect(first.join(' ')).toContain('-vf trim=start=1.380000,scale=');
    const later = frameDecodeArgs({ ...base, firstKeyframeSec: 1.4, startFrame: 100 });
    expect(later).not.toContain('-ss');
    expect(later.join(' ')).toContain('-vf trim=start=5.380000,scale=');
  });

  it.each([
    [
      'cuda',
      ['-hwaccel', 'cuda', '-hwaccel_output_format', 'cuda'],
      'scale_cuda=256:144:format=yuv420p,hwdownload,format=yuv420p',
    ],
    [
      'vaapi',
      ['-hwaccel', 'vaapi', '-hwaccel_output_format', 'vaapi', '-vaapi_device', '/dev/dri/renderD128'],
      'scale_vaapi=w=256:h=144:format=nv12,hwdownload,format=nv12,format=yuv420p',
    ],
    [
      'qsv',
      ['-hwaccel', 'qsv', '-hwaccel_output_format', 'qsv'],
      'scale_qsv=w=256:h=144:format=nv12,hwdownload,format=nv12,format=yuv420p',
    ],
  ] as const)('builds %s decode and scale', (hwaccel, input, filter) => {
    const args = frameDecodeArgs({ ...base, hwaccel });
    expect(args.join(' ')).toContain(input.join(' '));
    expect(args[args.indexOf('-vf') + 1]).toBe(filter);
  });

  it('can decode exactly, without the fast decoding shortcuts', () => {
    expect(frameDecodeArgs(base)).toContain('-skip_loop_filter');
    const exact = frameDecodeArgs({ ...base, fastDecode: false });
    expect(exact).not.toContain('-skip_loop_filter');
    expect(exact[exact.indexOf('-vf') + 1]).toBe('scale=256:144:flags=area,format=yuv420p');
  });
});

describe('analysisSize', () => {
  it.each([
    [
      { width: 1920, height: 1080 },
      { width: 256, height: 144 },
    ],
    [
      { width: 1280, height: 720, rotation: 90 },
      { width: 256, height: 456 },
    ],
    [
      { width: 160, height: 90 },
      { width: 160, height: 90 },
    ],
    [
      { width: 720, height: 576 },
      { width: 256, height: 204 },
    ],
  ])('%o -> %o', (source, size) => {
    expect(analysisSize(source)).toEqual(size);
  });
});

describe('pcm and proxy arguments', () => {
  it('decodes the first audio stream to mono float at 22050 Hz', () => {
    expect(pcmDecodeArgs({ path: 'a.m4a' }).join(' ')).toContain(
      '-map 0:a:0 -vn -sn -dn -ac 1 -ar 22050 -f f32le',
    );
  });

  it('decodes the difference of the channels, at the gain of the sum, when asked', () => {
    const args = pcmDecodeArgs({ path: 'a.m4a', mix: 'difference' }).join(' ');
    expect(args).toContain(
      '-dn -af aformat=channel_layouts=stereo,pan=mono|c0=0.70710678*c0-0.70710678*c1 -ar 22050',
    );
    expect(args).not.toContain('-ac');
  });

  // ffmpeg reads `-i -` as its standard input: a file named `-` is given as `./-`.
  it('never gives ffmpeg `-` as an input name', () => {
    expect(pcmDecodeArgs({ path: '-' }).join(' ')).toContain(' -i ./- ');
    expect(guardedInput('-').at(-1)).toBe('./-');
    expect(localInput('-').at(-1)).toBe('./-');
    expect(guardedInput('-a.wav').at(-1)).toBe('-a.wav');
  });

  it('writes a small, never upscaled proxy with the same frames', () => {
    const args = proxyArgs({ input: 'in.mov', output: 'out.mp4', height: 240 }, '/tmp/x.mp4', true).join(' ');
    expect(args).toContain("scale=-2:'trunc(min(240,ih)/2)*2'");
    expect(args).toContain('-fps_mode passthrough');
    expect(args).toContain('-map 0:a:0');
    expect(proxyArgs({ input: 'in.mov', output: 'out.mp4' }, '/tmp/x.mp4', false).join(' ')).not.toContain(
      '0:a',
    );
  });
});
