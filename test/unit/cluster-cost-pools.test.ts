import { describe, expect, it } from 'vitest';
import { jobCostByPool, poolOfRun, type PricedPool } from '../../src/cluster/cost-pools.js';
import type { TaskRecord, TaskRun } from '../../src/engine/types.js';

const pools: PricedPool[] = [
  { name: 'nvidia-base', queues: ['ff.nvidia'], kind: 'baseline', pricePerHour: 0.49, deployment: 'ff-base' },
  { name: 'nvidia-burst', queues: ['ff.nvidia'], kind: 'burst', pricePerHour: 0.69, deployment: 'ff-burst' },
  { name: 'cpu', queues: ['ff.cpu'], kind: 'baseline', pricePerHour: 0.17, deployment: 'ff-cpu' },
];
const run = (
  worker: string,
  pool: string,
  seconds: number,
  outcome: TaskRun['outcome'] = 'done',
): TaskRun => ({
  attempt: 1,
  worker,
  pool,
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: new Date(Date.parse('2026-12-01T10:00:00.000Z') + seconds * 1000).toISOString(),
  outcome,
});
const task = (runs: TaskRun[]) => ({ id: 't', runs }) as unknown as TaskRecord;

describe('job cost by pool', () => {
  it.each([
    ['the pool whose Deployment named the pod', 'ff-burst-7d9f-x2k4q-12-ab', 'ff.nvidia', 'nvidia-burst'],
    [
      'a baseline pool serving the queue when the worker says nothing',
      'laptop-12-ab',
      'ff.nvidia',
      'nvidia-base',
    ],
    [
      'a Deployment prefix of a pool that does not serve the queue is ignored',
      'ff-burst-1-2',
      'ff.cpu',
      'cpu',
    ],
    ['no pool for an unserved queue', 'ff-cpu-1', 'ff.amd', undefined],
  ])('%s', (_name, worker, queue, expected) => {
    expect(poolOfRun({ worker, pool: queue }, pools)?.name).toBe(expected);
  });

  it("equals every finished run's worker-seconds times its pool's price; reused and running runs cost nothing", () => {
    const cost = jobCostByPool(
      [
        task([run('ff-burst-a-b', 'ff.nvidia', 120, 'retry'), run('ff-burst-a-c', 'ff.nvidia', 360)]),
        task([run('ff-base-a-b', 'ff.nvidia', 3600), run('ff-base-a-b', 'ff.nvidia', 50, 'handed-back')]),
        task([run('ff-cpu-a', 'ff.cpu', 36), run('ff-cpu-a', 'ff.cpu', 999, 'reused')]),
        task([{ ...run('ff-cpu-a', 'ff.cpu', 10, 'running'), finishedAt: undefined }]),
        task([run('x', 'ff.amd', 7)]),
      ],
      pools,
    );
    expect(cost.byPool['nvidia-burst']).toEqual({
      seconds: 480,
      cost: expect.closeTo((480 * 0.69) / 3600, 12),
      pricePerHour: 0.69,
    });
    expect(cost.byPool['nvidia-base']!.seconds).toBe(3650);
    expect(cost.byPool.cpu!.seconds).toBe(36);
    expect(cost.total).toBeCloseTo((480 * 0.69 + 3650 * 0.49 + 36 * 0.17) / 3600, 12);
    expect(cost.unpriced).toEqual({ 'ff.amd': 7 });
  });
});
