import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/cluster/capabilities.js';
import { bullPriority, flowTree, queuesOf } from '../../src/engine/redis/flow-tree.js';
import { fleetCapabilities, type NodeInfo } from '../../src/engine/redis/node-registry.js';
import { missingEncoder, unmetParts, waitingFor } from '../../src/engine/redis/waiting-for.js';
import type { TaskGraph } from '../../src/engine/types.js';
import { slotClassOf, SlotPool } from '../../src/worker/slot-pool.js';

const cpu: Capabilities = {
  hostname: 'a',
  cores: 4,
  memoryMb: 8000,
  gpus: [],
  encoders: ['libx264'],
  hwaccels: [],
  labels: {},
};
const nvenc: Capabilities = {
  hostname: 'b',
  cores: 8,
  memoryMb: 16000,
  gpus: [{ index: 0, vendor: 'nvidia', model: 'T4', vramMb: 15000 }],
  encoders: ['h264_nvenc'],
  hwaccels: ['cuda'],
  labels: {},
};

describe('waitingFor', () => {
  it.each([
    ['servable by the cpu worker', [{ device: 'cpu', encoder: 'libx264' }], [cpu], undefined],
    ['no workers at all', [{}], [], 'waiting for a worker to come online'],
    [
      'missing encoder named alone',
      [{ device: 'cpu', encoder: 'hevc_nvenc', maxPixels: 14400 }],
      [cpu, nvenc],
      'waiting for a worker with encoder hevc_nvenc',
    ],
    ['missing GPU vendor', [{ device: 'amd' }], [cpu, nvenc], 'waiting for a worker with an amd GPU'],
    [
      'parts exist but never together',
      [{ device: 'nvidia', encoder: 'libx264' }],
      [cpu, nvenc],
      'waiting for a worker with an nvidia GPU and encoder libx264',
    ],
    ['nothing needed', [], [], undefined],
  ] as const)('%s', (_name, requirements, workers, expected) => {
    expect(waitingFor(requirements as never, workers)).toBe(expected);
  });

  it('unmetParts keeps only what no worker has', () => {
    expect(unmetParts({ device: 'cpu', encoder: 'x', maxPixels: 100 }, [cpu])).toEqual({ encoder: 'x' });
  });

  it('reads the encoder from a planning error', () => {
    const message =
      'encoder `h264_nvenc` is not usable here (it did not pass a smoke encode); usable: libx264';
    expect(missingEncoder({ code: 'ENCODER_UNAVAILABLE', message })).toBe('h264_nvenc');
    expect(missingEncoder({ code: 'INPUT_CORRUPT', message })).toBeUndefined();
  });
});

const graph: TaskGraph = {
  rootTaskId: 'stitch',
  tasks: [
    {
      id: 'segment-000',
      kind: 'k.segment',
      payload: {},
      requires: { device: 'nvidia', encoder: 'h264_nvenc' },
      dependsOn: [],
      weight: 1,
    },
    { id: 'audio', kind: 'k.audio', payload: {}, requires: { device: 'cpu' }, dependsOn: [], weight: 1 },
    {
      id: 'stitch',
      kind: 'k.stitch',
      payload: {},
      requires: { device: 'cpu' },
      dependsOn: ['segment-000', 'audio'],
      weight: 1,
    },
  ],
};

describe('flowTree', () => {
  it('makes the root the parent of its dependencies, each on its own queue, failing the parent on failure', () => {
    const flow = flowTree(graph, { jobId: 'j', run: 2, priority: 5, attempts: 3, backoffBaseMs: 100 });
    expect(flow.queueName).toBe('ff.cpu');
    expect(flow.opts?.jobId).toBe('j.r2.stitch');
    expect(flow.opts?.failParentOnFailure).toBeUndefined();
    expect(flow.children?.map((c) => [c.queueName, c.opts?.jobId, c.opts?.failParentOnFailure])).toEqual([
      ['ff.nvidia.enc=h264_nvenc', 'j.r2.segment-000', true],
      ['ff.cpu', 'j.r2.audio', true],
    ]);
    expect(flow.opts?.backoff).toEqual({ type: 'exponential', delay: 100 });
  });

  it('refuses graphs that are not trees', () => {
    const diamond: TaskGraph = {
      rootTaskId: 'c',
      tasks: [
        { id: 'a', kind: 'k', payload: {}, requires: {}, dependsOn: [], weight: 1 },
        { id: 'b', kind: 'k', payload: {}, requires: {}, dependsOn: ['a'], weight: 1 },
        { id: 'c', kind: 'k', payload: {}, requires: {}, dependsOn: ['a', 'b'], weight: 1 },
      ],
    };
    expect(() =>
      flowTree(diamond, { jobId: 'j', run: 1, priority: 0, attempts: 1, backoffBaseMs: 1 }),
    ).toThrow(/task `a` is needed by 2 tasks/);
  });

  it('lists the queues a graph uses', () => {
    expect(queuesOf(graph)).toEqual(['ff.cpu', 'ff.nvidia.enc=h264_nvenc']);
  });

  it.each([
    [0, 1000],
    [10, 990],
    [5000, 1],
    [-5000, 6000],
  ])('priority %i maps to BullMQ %i', (priority, bull) => {
    expect(bullPriority(priority)).toBe(bull);
  });
});

describe('slots and fleet capabilities', () => {
  it('GPU vendor queues share the GPU slots', () => {
    expect(slotClassOf('ff.nvidia.enc=h264_nvenc')).toBe('gpu');
    expect(slotClassOf('ff.enc=libx264.px=14400')).toBe('cpu');
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
    expect(fleetCapabilities([node(cpu), node(nvenc)])).toEqual({
      encoders: ['h264_nvenc', 'libx264'],
      hwaccels: ['cuda'],
      devices: ['cpu', 'nvidia'],
      slots: 6,
    });
    expect(fleetCapabilities([node(cpu), node(nvenc, true)]).encoders).toEqual(['libx264']);
  });
});
