import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { processorsConfigSchema } from '../../src/config/processors.js';
import { queueFor } from '../../src/engine/routing.js';
import {
  chainRequirements,
  expandArgv,
  offeredProcessors,
  processStep,
  type Processors,
} from '../../src/pipelines/transcode/process-chain.js';
import { oddSides, withProcessors } from '../../src/pipelines/transcode/process-plan.js';
import { transcodeTasks, type TranscodeLayout } from '../../src/pipelines/transcode/layout.js';
import { transcodePipelineWith } from '../../src/pipelines/transcode/index.js';
import { cpuWorkerCapabilities } from '../integration/redis-fixtures.js';

const processors: Processors = processorsConfigSchema.parse({
  den: { command: ['{ffmpeg}', '-i', '{input}', '{output}'] },
  tmp: { command: ['x', '{frames_in}', '{frames_out}'], io: 'frames', context: { before: 4, after: 2 } },
  up: {
    command: ['up', '{input}', '{output}'],
    scale: 2,
    context: 1,
    requires: { device: 'nvidia', minVramMb: 4000 },
  },
});

describe('processors config', () => {
  it.each([
    [{ a: { command: ['x', '{input}'] } }, 'an io: video command must use {output}'],
    [{ a: { command: ['x', '{input}', '{output}', '{nope}'] } }, 'unknown placeholder {nope}'],
    [{ a: { command: ['x', '{input}', '{frames_out}', '{output}'] } }, '{frames_out} is not available'],
    [
      { a: { command: ['x', '{input}', '{frames_out_pattern}', '{output}'] } },
      '{frames_out_pattern} is not available',
    ],
    [
      { a: { command: ['x', '{frames_in_pattern}'], io: 'frames' } },
      'an io: frames command must use {frames_out} or {frames_out_pattern}',
    ],
    [{ 'a.b': { command: ['x', '{input}', '{output}'] } }, 'expected a processor name'],
    [{ a: { command: ['x', '{input}', '{output}'], scale: 0 } }, 'expected number to be >=0.0625'],
  ])('refuses %j', (value, message) => {
    const result = processorsConfigSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  it('is a section of framefleet.yaml: the shipped example loads', async () => {
    const env = {};
    const { config } = await loadConfig({ env, file: 'examples/processors/framefleet.yaml' });
    expect(Object.keys(config.processors).sort()).toEqual([
      'atadenoise',
      'nlmeans',
      'upscale2x',
      'upscale2x-cuda',
    ]);
    expect(config.processors.atadenoise).toMatchObject({ io: 'frames', context: 4, scale: 1 });
  });
});

describe('processor chains (pure)', () => {
  it.each([
    [{ width: 53, height: 40 }, 'yuv420p', 'width'],
    [{ width: 52, height: 41 }, 'yuvj420p', 'height'],
    [{ width: 53, height: 41 }, 'nv12', 'width and height'],
    [{ width: 53, height: 41 }, 'yuv422p10le', 'width'],
    [{ width: 52, height: 40 }, 'yuv420p', undefined],
    [{ width: 53, height: 41 }, 'yuv444p', undefined],
    [{ width: 53, height: 41 }, 'rgb24', undefined],
  ])('oddSides(%o, %s) is %s', (size, pixFmt, sides) => {
    expect(oddSides(size, pixFmt)).toBe(sides);
  });

  it('adds up context, multiplies scale, and names an unknown processor', () => {
    const step = processStep(['tmp', 'up'], processors, { width: 320, height: 240, pixFmt: 'yuv420p' });
    expect(step).toMatchObject({ before: 5, after: 3, width: 640, height: 480, names: ['tmp', 'up'] });
    expect(() => processStep(['nope'], processors, { width: 1, height: 1, pixFmt: 'x' })).toThrow(
      /unknown processor `nope`; configured: den, tmp, up/,
    );
  });

  it('routes a processed segment to its processor pool, with its device and VRAM', () => {
    const cpu = chainRequirements(['den'], processors, { name: 'libx264', device: 'cpu' });
    expect(queueFor(cpu)).toBe('ff.cpu.proc-den');
    const gpu = chainRequirements(['den', 'up'], processors, { name: 'libx264', device: 'cpu' });
    expect(gpu).toEqual({
      device: 'nvidia',
      features: ['enc:libx264', 'proc:den', 'proc:up'],
      minVramMb: 4000,
    });
    expect(queueFor(gpu)).toBe('ff.nvidia.proc-den.proc-up');
    expect(() => chainRequirements(['up'], processors, { name: 'h264_vaapi', device: 'amd' })).toThrow(
      /GPUs of amd and nvidia in one task/,
    );
  });

  it('a worker offers the processors it can run', () => {
    const laptop = cpuWorkerCapabilities('laptop');
    expect(offeredProcessors(processors, laptop)).toEqual(['proc:den', 'proc:tmp']);
    const gpuBox = { ...laptop, gpus: [{ index: 0, vendor: 'nvidia' as const, model: 'L4', vramMb: 24000 }] };
    expect(offeredProcessors(processors, gpuBox)).toEqual(['proc:den', 'proc:tmp', 'proc:up']);
    const small = { ...laptop, gpus: [{ index: 0, vendor: 'nvidia' as const, model: 'T', vramMb: 2000 }] };
    expect(offeredProcessors(processors, small)).toEqual(['proc:den', 'proc:tmp']);
  });

  it('fills argv templates without a shell: values stay one argument each', () => {
    expect(
      expandArgv(['a', '{input}', 'x={width}x{height}', '{{literal}}'], {
        input: '/t/in put;rm -rf.mkv',
        width: '320',
        height: '240',
      }),
    ).toEqual(['a', '/t/in put;rm -rf.mkv', 'x=320x240', '{literal}']);
  });

  it('clamps context at the edges of the file and weights by the frames a segment decodes', () => {
    const layout = {
      input: '/in.mp4',
      frames: 100,
      width: 320,
      height: 240,
      encoder: 'libx264',
      device: 'cpu',
      prefix: 'scratch/j/',
      rate: { num: 25, den: 1 },
      settings: { quality: 70, preset: 'fast', gopFrames: 50 },
    } as unknown as TranscodeLayout;
    const planned = withProcessors(layout, ['tmp'], processors);
    const tasks = transcodeTasks(planned, [
      { index: 0, start: 0, end: 40, startsAt: 'start' },
      { index: 1, start: 40, end: 99, startsAt: 'even' },
      { index: 2, start: 99, end: 100, startsAt: 'even' },
    ]);
    const segs = tasks.filter((t) => t.kind === 'transcode.segment');
    expect(
      segs.map((t) => [(t.payload as { before: number }).before, (t.payload as { after: number }).after]),
    ).toEqual([
      [0, 2],
      [4, 1],
      [4, 0],
    ]);
    expect(segs.map((t) => t.weight)).toEqual([42, 64, 5]);
    expect(queueFor(segs[0]!.requires)).toBe('ff.cpu.proc-tmp');
  });

  // A scale-1 chain keeps an odd source odd: the advice is a crop, as a plain transcode gives it.
  it('refuses an odd source through a chain that keeps its size with the crop that fixes it', () => {
    const odd = {
      ...{ input: '/in.mp4', frames: 10, width: 321, height: 181, encoder: 'libx264', device: 'cpu' },
      settings: { quality: 70, preset: 'fast', gopFrames: 50 },
    };
    const refused = () =>
      withProcessors({ ...odd, pixFmt: 'yuv420p' } as unknown as TranscodeLayout, ['tmp'], processors);
    expect(refused).toThrow(
      /makes 321x181 frames from the 321x181 source, .*crop it to an even size first \(ffmpeg -vf crop=320:180\)/,
    );
    const grown = () =>
      withProcessors({ ...odd, pixFmt: 'yuv420p' } as unknown as TranscodeLayout, ['up'], processors);
    expect(grown).not.toThrow(/needs an even/);
  });

  it('refuses an unknown processor when a spec is submitted', () => {
    const pipeline = transcodePipelineWith(processors);
    const spec = { input: '/a.mp4', output: '/b.mp4', process: ['den', 'ghost'] };
    expect(() => pipeline.parseSpec(spec)).toThrow(/unknown processor `ghost`/);
    expect(() => transcodePipelineWith().parseSpec({ ...spec, process: ['den'] })).toThrow(
      /no processors are configured/,
    );
    expect(pipeline.parseSpec({ ...spec, process: ['den'] })).toMatchObject({ process: ['den'] });
  });
});
