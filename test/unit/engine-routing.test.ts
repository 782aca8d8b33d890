import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/engine/capabilities.js';
import { bullPriority, taskJobOptions } from '../../src/engine/redis/enqueue.js';
import { fleetCapabilities, type NodeInfo } from '../../src/engine/redis/node-registry.js';
import {
  canServe,
  describeRequirements,
  parseQueue,
  queueFor,
  queuesFor,
  slotClassOf,
  unmetBy,
  unmetParts,
  waitingFor,
} from '../../src/engine/routing.js';
import type { Requirements } from '../../src/engine/types.js';
import { SlotPool } from '../../src/worker/slot-pool.js';

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
  features: ['proc:upscale', 'font:DejaVu Sans'],
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
    ['needs the encoder', cpuOnly, { features: ['enc:h264_nvenc'] }, false],
    ['has the encoder', nvenc, { features: ['enc:h264_nvenc'] }, true],
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
    ['hwaccel missing', cpuOnly, { features: ['hwaccel:cuda'] }, false],
    ['hwaccel present', nvenc, { features: ['hwaccel:cuda'] }, true],
    ['declared processor', nvenc, { features: ['proc:upscale'] }, true],
    ['processor elsewhere', cpuOnly, { features: ['proc:upscale'] }, false],
    ['font with a space', nvenc, { features: ['font:DejaVu Sans'] }, true],
    ['pixels unlimited', cpuOnly, { maxPixels: 7680 * 4320 }, true],
    ['pixels within the limit', mixed, { maxPixels: 3840 * 2160 }, true],
    ['pixels above the limit', mixed, { maxPixels: 7680 * 4320 }, false],
    [
      'everything at once',
      nvenc,
      { device: 'nvidia', features: ['enc:h264_nvenc', 'hwaccel:cuda', 'proc:upscale'], minVramMb: 12000 },
      true,
    ],
  ])('%s', (_name, capabilities, requirements, expected) => {
    expect(canServe(capabilities, requirements)).toBe(expected);
  });

  it('names what a worker lacks', () => {
    expect(unmetBy(cpuOnly, { device: 'nvidia', features: ['enc:libx264', 'proc:upscale'] })).toEqual({
      device: 'nvidia',
      features: ['proc:upscale'],
    });
  });
});

describe('pool queues', () => {
  it.each<[Requirements, string]>([
    [{}, 'ff.cpu'],
    [{ device: 'cpu' }, 'ff.cpu'],
    [{ features: ['enc:libx264'], maxPixels: 1920 * 1080 }, 'ff.cpu'],
    [{ features: ['enc:libx264'], maxPixels: 3840 * 2160, minMemoryMb: 4096 }, 'ff.cpu'],
    [{ device: 'nvidia', features: ['enc:h264_nvenc', 'hwaccel:cuda'], minVramMb: 8000 }, 'ff.nvidia'],
    [{ device: 'nvidia', features: ['proc:upscale'] }, 'ff.nvidia.proc-upscale'],
    [{ device: 'amd', features: ['proc:b', 'enc:hevc_vaapi', 'proc:a'] }, 'ff.amd.proc-a.proc-b'],
    [{ features: ['font:DejaVu Sans'] }, 'ff.cpu'],
  ])('%j -> %s and back', (requirements, name) => {
    expect(queueFor(requirements)).toBe(name);
    const parsed = parseQueue(name);
    expect(parsed).toBeDefined();
    expect(queueFor(parsed!)).toBe(name);
  });

  it('makes one queue for every frame size, encoder and memory need of a CPU task', () => {
    const names = new Set<string>();
    for (let i = 1; i <= 20; i++) {
      names.add(queueFor({ device: 'cpu', features: ['enc:libx264'], maxPixels: i * 64 * i * 36 }));
      names.add(
        queueFor({ device: 'cpu', features: [`enc:${i % 2 ? 'libx264' : 'libx265'}`], minMemoryMb: i }),
      );
    }
    expect([...names]).toEqual(['ff.cpu']);
  });

  it.each<[Requirements, string]>([
    [{ features: ['proc:up scale'] }, '`proc:up scale`'],
    [{ features: ['proc:a.b'] }, '`proc:a.b`'],
    [{ features: ['noColon'] }, '`noColon`'],
    [{ device: 'tpu' as Requirements['device'] }, '`tpu`'],
  ])('rejects %j naming the value', (requirements, message) => {
    expect(() => queueFor(requirements)).toThrow(message);
  });

  it.each([
    'bull.cpu',
    'ff',
    'ff.',
    'ff.gpu',
    'ff.cpu.enc-libx264',
    'ff.nvidia.proc-',
    'ff.cpu.proc-b.proc-a',
    'ff.control',
  ])('does not parse %j as a pool', (name) => {
    expect(parseQueue(name)).toBeUndefined();
  });

  it('gives each worker its device pools and the processor pools it can serve', () => {
    expect(queuesFor(cpuOnly)).toEqual(['ff.cpu']);
    expect(queuesFor(nvenc)).toEqual([
      'ff.cpu',
      'ff.cpu.proc-upscale',
      'ff.nvidia',
      'ff.nvidia.proc-upscale',
    ]);
    expect(queuesFor(mixed)).toEqual(['ff.amd', 'ff.cpu', 'ff.intel']);
    const active = ['ff.nvidia.proc-denoise', 'ff.cpu.proc-upscale', 'other-app-queue'];
    expect(queuesFor(cpuOnly, active)).toEqual(['ff.cpu']);
    expect(queuesFor(nvenc, active)).not.toContain('ff.nvidia.proc-denoise');
  });

  it('GPU pools share the GPU slots', () => {
    expect(slotClassOf('ff.nvidia')).toBe('gpu');
    expect(slotClassOf('ff.nvidia.proc-upscale')).toBe('gpu');
    expect(slotClassOf('ff.cpu.proc-upscale')).toBe('cpu');
    expect(slotClassOf('ff.control')).toBe('cpu');
    const pool = new SlotPool({ cpu: 1, gpu: 2 });
    expect([pool.tryAcquire('gpu'), pool.tryAcquire('gpu'), pool.tryAcquire('gpu')]).toEqual([
      true,
      true,
      false,
    ]);
    pool.release('gpu');
    expect(pool.tryAcquire('gpu')).toBe(true);
  });
});

describe('words for what a job waits for', () => {
  it.each<[Requirements, string]>([
    [{}, 'any worker'],
    [{ device: 'cpu' }, 'any worker'],
    [{ features: ['enc:h264_nvenc'] }, 'a worker with encoder h264_nvenc'],
    [
      { device: 'nvidia', minVramMb: 8000, features: ['enc:h264_nvenc'] },
      'a worker with an nvidia GPU with >= 8000 MB VRAM and encoder h264_nvenc',
    ],
    [
      { minVramMb: 4000, features: ['hwaccel:cuda'], minMemoryMb: 2048 },
      'a worker with a GPU with >= 4000 MB VRAM, hwaccel cuda and >= 2048 MB memory',
    ],
    [{ features: ['proc:upscale'] }, 'a worker with processor upscale'],
    [{ features: ['font:Noto Sans'] }, 'a worker with font Noto Sans'],
    [{ maxPixels: 8294400 }, 'a worker with frames of 8294400 pixels'],
  ])('%j', (requirements, text) => {
    expect(describeRequirements(requirements)).toBe(text);
  });

  it.each([
    ['servable by the cpu worker', [{ device: 'cpu', features: ['enc:libx264'] }], [cpuOnly], undefined],
    ['no workers at all', [{}], [], 'waiting for a worker to come online'],
    [
      'missing encoder named alone',
      [{ device: 'cpu', features: ['enc:hevc_nvenc'], maxPixels: 14400 }],
      [cpuOnly, nvenc],
      'waiting for a worker with encoder hevc_nvenc',
    ],
    ['missing GPU vendor', [{ device: 'amd' }], [cpuOnly, nvenc], 'waiting for a worker with an amd GPU'],
    [
      'a processor only a missing vendor has',
      [{ device: 'amd', features: ['proc:upscale'] }],
      [cpuOnly, nvenc],
      'waiting for a worker with an amd GPU',
    ],
    [
      'parts exist but never together',
      [{ device: 'nvidia', features: ['enc:libx264'] }],
      [cpuOnly, nvenc],
      'waiting for a worker with an nvidia GPU and encoder libx264',
    ],
    ['nothing needed', [], [], undefined],
  ] as const)('%s', (_name, requirements, workers, expected) => {
    expect(waitingFor(requirements as never, workers)).toBe(expected);
  });

  it('unmetParts keeps only what no worker has', () => {
    expect(
      unmetParts({ device: 'cpu', features: ['enc:x', 'enc:libx264'], maxPixels: 100 }, [cpuOnly]),
    ).toEqual({
      features: ['enc:x'],
    });
  });
});

describe('queue job options and fleet capabilities', () => {
  it.each([
    [0, 0, 8005],
    [0, 1, 8004],
    [0, -3, 8008],
    [10, 0, 7925],
    [5000, 0, 5],
    [-5000, 0, 48005],
  ])('job priority %i, task priority %i -> BullMQ %i', (job, task, bull) => {
    expect(bullPriority(job, task)).toBe(bull);
  });

  it('orders every task of a higher-priority job before any of a lower one', () => {
    expect(bullPriority(1, -3)).toBeLessThan(bullPriority(0, 4));
  });

  it('gives a task of a run a stable id, retries and retention', () => {
    const task = { id: 'segment-001', kind: 'k', payload: {}, requires: {}, dependsOn: [], weight: 1 };
    expect(taskJobOptions('j', 2, task, 0, { attempts: 3, backoffBaseMs: 100 })).toEqual({
      jobId: 'j.r2.segment-001',
      priority: 8005,
      attempts: 3,
      backoff: { type: 'exponential', delay: 100 },
      removeOnComplete: { count: 2000 },
      removeOnFail: { count: 5000 },
    });
  });

  it('plans for the union of live, non-draining workers', () => {
    const node = (capabilities: Capabilities, draining = false): NodeInfo => ({
      id: capabilities.hostname,
      hostname: capabilities.hostname,
      pid: 1,
      capabilities,
      queues: [],
      slots: { cpu: 2, gpu: 1 },
      tasks: [],
      draining,
      startedAt: '',
      heartbeatAt: '',
    });
    expect(fleetCapabilities([node(cpuOnly), node({ ...nvenc, hostname: 'n' })])).toEqual({
      encoders: ['h264_nvenc', 'libx264', 'libx265'],
      hwaccels: ['cuda'],
      features: ['font:DejaVu Sans', 'proc:upscale'],
      devices: ['cpu', 'nvidia'],
      slots: 6,
    });
    expect(fleetCapabilities([node(cpuOnly), node(nvenc, true)]).encoders).toEqual(['libx264', 'libx265']);
  });
});
