import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/cluster/capabilities.js';
import {
  canServe,
  describeRequirements,
  parseQueueName,
  queueNameFor,
  queuesFor,
} from '../../src/cluster/routing.js';
import type { Requirements } from '../../src/engine/types.js';

const base: Capabilities = {
  hostname: 'h',
  cores: 8,
  memoryMb: 16000,
  gpus: [],
  encoders: [],
  hwaccels: [],
  labels: {},
};
const cpuOnly: Capabilities = { ...base, encoders: ['libx264', 'libx265'] };
const nvenc: Capabilities = {
  ...base,
  gpus: [
    { index: 0, vendor: 'nvidia', model: 'Tesla T4', vramMb: 15360 },
    { index: 1, vendor: 'nvidia', model: 'RTX 3060', vramMb: 12288 },
  ],
  encoders: ['h264_nvenc'],
  hwaccels: ['cuda'],
};
const mixed: Capabilities = {
  ...base,
  memoryMb: 64000,
  maxPixels: 3840 * 2160,
  gpus: [
    { index: 0, vendor: 'intel', model: 'iGPU', vramMb: 0 },
    { index: 1, vendor: 'amd', model: 'RX 6800', vramMb: 16368 },
  ],
  encoders: ['libx264', 'h264_vaapi', 'hevc_vaapi'],
  hwaccels: ['vaapi'],
};

describe('canServe', () => {
  it.each<[string, Capabilities, Requirements, boolean]>([
    ['anything runs anywhere', cpuOnly, {}, true],
    ['cpu device runs anywhere', nvenc, { device: 'cpu' }, true],
    ['needs the encoder', cpuOnly, { encoder: 'h264_nvenc' }, false],
    ['has the encoder', nvenc, { encoder: 'h264_nvenc' }, true],
    ['needs a vendor GPU', cpuOnly, { device: 'nvidia' }, false],
    ['has the vendor', nvenc, { device: 'nvidia' }, true],
    ['wrong vendor', mixed, { device: 'nvidia' }, false],
    ['one of several vendors', mixed, { device: 'amd' }, true],
    ['vram on some GPU', nvenc, { minVramMb: 15000 }, true],
    ['vram on no GPU', nvenc, { minVramMb: 16000 }, false],
    ['vendor and vram must be the same GPU', mixed, { device: 'intel', minVramMb: 8000 }, false],
    ['vendor and vram on the same GPU', mixed, { device: 'amd', minVramMb: 8000 }, true],
    ['vram without GPUs', cpuOnly, { minVramMb: 1 }, false],
    ['memory enough', cpuOnly, { minMemoryMb: 16000 }, true],
    ['memory short', cpuOnly, { minMemoryMb: 16001 }, false],
    ['hwaccel missing', cpuOnly, { hwaccel: 'cuda' }, false],
    ['hwaccel present', nvenc, { hwaccel: 'cuda' }, true],
    ['pixels unlimited', cpuOnly, { maxPixels: 7680 * 4320 }, true],
    ['pixels within the limit', mixed, { maxPixels: 3840 * 2160 }, true],
    ['pixels above the limit', mixed, { maxPixels: 7680 * 4320 }, false],
    [
      'everything at once',
      nvenc,
      { device: 'nvidia', encoder: 'h264_nvenc', hwaccel: 'cuda', minVramMb: 12000 },
      true,
    ],
  ])('%s', (_name, capabilities, requirements, expected) => {
    expect(canServe(capabilities, requirements)).toBe(expected);
  });
});

describe('queueNameFor / parseQueueName', () => {
  it.each<[Requirements, string]>([
    [{}, 'ff.cpu'],
    [{ device: 'cpu' }, 'ff.cpu'],
    [{ encoder: 'libx264' }, 'ff.enc=libx264'],
    [{ device: 'cpu', encoder: 'libx264' }, 'ff.enc=libx264'],
    [{ encoder: 'h264_nvenc' }, 'ff.enc=h264_nvenc'],
    [{ encoder: 'libaom-av1' }, 'ff.enc=libaom-av1'],
    [{ device: 'nvidia', minVramMb: 8000 }, 'ff.nvidia.vram=8000'],
    [{ device: 'nvidia', encoder: 'h264_nvenc', hwaccel: 'cuda' }, 'ff.nvidia.enc=h264_nvenc.hwaccel=cuda'],
    [{ minMemoryMb: 4096, maxPixels: 8294400 }, 'ff.mem=4096.px=8294400'],
    [{ maxPixels: 8294400, minMemoryMb: 4096, minVramMb: 0 }, 'ff.mem=4096.px=8294400'],
    [
      { maxPixels: 1, minMemoryMb: 2, minVramMb: 3, hwaccel: 'vaapi', encoder: 'hevc_vaapi', device: 'amd' },
      'ff.amd.enc=hevc_vaapi.hwaccel=vaapi.vram=3.mem=2.px=1',
    ],
  ])('%j -> %s and back', (requirements, name) => {
    expect(queueNameFor(requirements)).toBe(name);
    const parsed = parseQueueName(name);
    expect(parsed).toBeDefined();
    expect(queueNameFor(parsed ?? {})).toBe(name);
  });

  it('never uses characters BullMQ or a shell would choke on', () => {
    const name = queueNameFor({
      device: 'nvidia',
      encoder: 'h264_nvenc',
      minVramMb: 8000,
      maxPixels: 2073600,
    });
    expect(name).not.toMatch(/[:\s<>|&;$'"`]/);
  });

  it.each<[Requirements, string]>([
    [{ encoder: 'h264 nvenc' }, '`h264 nvenc`'],
    [{ encoder: 'x:y' }, '`x:y`'],
    [{ hwaccel: 'a.b' }, '`a.b`'],
    [{ device: 'tpu' as Requirements['device'] }, '`tpu`'],
    [{ minVramMb: 8000.5 }, '`8000.5`'],
    [{ minMemoryMb: -1 }, '`-1`'],
  ])('rejects %j naming the value', (requirements, message) => {
    expect(() => queueNameFor(requirements)).toThrow(message);
  });

  it.each([
    'bull.cpu',
    'ff',
    'ff.',
    'ff.gpu',
    'ff.cpu.enc=libx264',
    'ff.enc=h264_nvenc.nvidia',
    'ff.vram=0',
    'ff.vram=08',
    'ff.enc=',
    'ff.nvidia.nvidia',
    'ff.vram>=8000',
  ])('does not parse %j', (name) => {
    expect(parseQueueName(name)).toBeUndefined();
  });
});

describe('queuesFor', () => {
  it('gives a CPU-only worker the generic queue and its encoders', () => {
    expect(queuesFor(cpuOnly)).toEqual(['ff.enc=libx264', 'ff.enc=libx265', 'ff.cpu']);
  });

  it('gives an NVENC worker its vendor, encoder and hwaccel queues, most specific first', () => {
    expect(queuesFor(nvenc)).toEqual([
      'ff.nvidia.enc=h264_nvenc',
      'ff.nvidia.hwaccel=cuda',
      'ff.enc=h264_nvenc',
      'ff.hwaccel=cuda',
      'ff.nvidia',
      'ff.cpu',
    ]);
  });

  it('adds active queues it can serve and skips the rest', () => {
    const active = [
      'ff.nvidia.vram=8000',
      'ff.nvidia.vram=16000',
      'ff.enc=libx264',
      'ff.mem=32000',
      'ff.px=8294400',
      'other-app-queue',
    ];
    expect(queuesFor(nvenc, active)).toContain('ff.nvidia.vram=8000');
    expect(queuesFor(nvenc, active)).not.toContain('ff.nvidia.vram=16000');
    expect(queuesFor(nvenc, active)).not.toContain('ff.enc=libx264');
    expect(queuesFor(nvenc, active)).not.toContain('ff.mem=32000');
    expect(queuesFor(nvenc, active)).toContain('ff.px=8294400');
    expect(queuesFor(mixed, active)).toEqual(
      expect.arrayContaining(['ff.mem=32000', 'ff.px=8294400', 'ff.enc=libx264']),
    );
    expect(queuesFor(nvenc, active)).not.toContain('other-app-queue');
  });

  it('routes NVENC tasks only to the NVENC worker, and CPU tasks to both', () => {
    const task = queueNameFor({ encoder: 'h264_nvenc' });
    expect(queuesFor(nvenc)).toContain(task);
    expect(queuesFor(cpuOnly)).not.toContain(task);
    expect(queuesFor(cpuOnly)).toContain(queueNameFor({}));
    expect(queuesFor(nvenc)).toContain(queueNameFor({}));
  });
});

describe('describeRequirements', () => {
  it.each<[Requirements, string]>([
    [{}, 'any worker'],
    [{ device: 'cpu' }, 'any worker'],
    [{ encoder: 'h264_nvenc' }, 'a worker with encoder h264_nvenc'],
    [
      { device: 'nvidia', minVramMb: 8000, encoder: 'h264_nvenc' },
      'a worker with an nvidia GPU with >= 8000 MB VRAM and encoder h264_nvenc',
    ],
    [
      { minVramMb: 4000, hwaccel: 'cuda', minMemoryMb: 2048 },
      'a worker with a GPU with >= 4000 MB VRAM, hwaccel cuda and >= 2048 MB memory',
    ],
    [{ maxPixels: 8294400 }, 'a worker with frames of 8294400 pixels'],
  ])('%j', (requirements, text) => {
    expect(describeRequirements(requirements)).toBe(text);
  });
});
