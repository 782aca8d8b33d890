import { describe, expect, it } from 'vitest';
import {
  decideScaling,
  groupPools,
  type PoolState,
  type QueueSignal,
  type ScalingPool,
} from '../../src/cluster/scaling-policy.js';

const pool = (name: string, over: Partial<ScalingPool> = {}): ScalingPool => ({
  name,
  queues: ['ff.nvidia'],
  kind: 'burst',
  minReplicas: 0,
  maxReplicas: 20,
  slotsPerReplica: 1,
  sloWaitSeconds: 30,
  idleSeconds: 60,
  cooldownSeconds: 30,
  scaleDownStabilizationSeconds: 120,
  ...over,
});
const baseline = pool('nvidia-base', { kind: 'baseline', minReplicas: 2, maxReplicas: 2 });
const burst = pool('nvidia-burst');
const signal = (over: Partial<QueueSignal> = {}): QueueSignal => ({
  backlogSeconds: 0,
  waiting: 0,
  active: 0,
  waitP95Sec: 0,
  oldestWaitSec: 0,
  ...over,
});
const decide = (
  q: Partial<QueueSignal>,
  states: Record<string, PoolState>,
  now = 1000,
  pools = [baseline, burst],
) => decideScaling(pools, { 'ff.nvidia': signal(q) }, states, now);
const counts = (d: ReturnType<typeof decide>) => d.map((x) => x.desired);

describe('decideScaling', () => {
  it.each<[string, Partial<QueueSignal>, Record<string, PoolState>, number[]]>([
    ['nothing to do: baseline at its minimum, no burst', {}, { 'nvidia-base': { replicas: 2 } }, [2, 0]],
    [
      'work baseline can hold does not rent burst',
      { active: 2, waiting: 0 },
      { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 0 } },
      [2, 0],
    ],
    [
      'backlog above baseline capacity grows burst: 2 running + 540 s / 30 s SLO = 20 slots, 18 on burst',
      { active: 2, waiting: 40, backlogSeconds: 540 },
      { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 0 } },
      [2, 18],
    ],
    [
      'one slot per waiting task at most (3 long tasks do not ask for 60 replicas)',
      { active: 2, waiting: 3, backlogSeconds: 1800 },
      { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 0 } },
      [2, 3],
    ],
    [
      'max replicas caps burst',
      { active: 2, waiting: 900, backlogSeconds: 9000 },
      { 'nvidia-base': { replicas: 2 } },
      [2, 20],
    ],
    [
      'measured throughput per replica counts (2 work-s/s each: half the replicas)',
      { active: 2, waiting: 40, backlogSeconds: 540 },
      { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 0, throughputPerReplica: 2 } },
      [2, 9],
    ],
  ])('%s', (_name, q, states, expected) => {
    expect(counts(decide(q, states))).toEqual(expected);
  });

  it('baseline fills first when it has room; burst stays at 0 without a breach', () => {
    const base = pool('cpu-base', { kind: 'baseline', minReplicas: 1, maxReplicas: 4, queues: ['ff.cpu'] });
    const extra = pool('cpu-burst', { queues: ['ff.cpu'] });
    const d = decideScaling(
      [base, extra],
      { 'ff.cpu': signal({ active: 1, waiting: 2, backlogSeconds: 30 }) },
      { 'cpu-base': { replicas: 1 } },
      0,
    );
    expect(counts(d)).toEqual([2, 0]);
    expect(d[1]!.reason).toMatch(/baseline has room/);
  });

  it('an SLO breach grows burst even while baseline has room, and says why in one line', () => {
    const base = pool('nvidia-base', { kind: 'baseline', minReplicas: 2, maxReplicas: 8 });
    const d = decide(
      { active: 2, waiting: 3, backlogSeconds: 30, waitP95Sec: 41 },
      { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 0 } },
      1000,
      [base, burst],
    );
    expect(counts(d)).toEqual([3, 1]);
    expect(d[1]!.reason).toBe(
      'nvidia-burst 0 -> 1: backlog 30 s of work, 3 waiting, 2 running, baseline has room, p95 wait 41 s > SLO 30 s',
    );
  });

  it('an old waiting task counts as a breach before any p95 sample exists', () => {
    const d = decide(
      { active: 2, waiting: 1, backlogSeconds: 5, oldestWaitSec: 45 },
      { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 0 } },
    );
    expect(d[1]!.desired).toBe(1);
    expect(d[1]!.reason).toMatch(/p95 wait 45 s > SLO 30 s/);
  });

  it('waits out the cooldown before scaling up again', () => {
    const states = { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 3, lastScaleUpAt: 990 } };
    const d = decide({ active: 5, waiting: 60, backlogSeconds: 600 }, states, 1000);
    expect(d[1]!.desired).toBe(3);
    expect(d[1]!.reason).toMatch(/cooldown 20 s left/);
    expect(decide({ active: 5, waiting: 60, backlogSeconds: 600 }, states, 1021)[1]!.desired).toBe(20);
  });

  it('keeps replicas until the queue has been idle for the idle window', () => {
    const states = { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 5, lastWaitingAt: 970 } };
    const d = decide({ active: 0 }, states, 1000);
    expect(d[1]!.desired).toBe(5);
    expect(d[1]!.reason).toMatch(/idle 30 s < 60 s/);
    expect(decide({ active: 0 }, states, 1031)[1]!.desired).toBe(0);
  });

  it('scale-in takes the highest desired count of the stabilisation window', () => {
    const states = {
      'nvidia-base': { replicas: 2 },
      'nvidia-burst': {
        replicas: 6,
        lastWaitingAt: 0,
        recent: [
          { at: 900, desired: 4 },
          { at: 800, desired: 6 },
        ],
      },
    };
    const d = decide({ active: 2 }, states, 1000);
    expect(d[1]!.desired).toBe(4); // the 800 entry is older than 120 s
    expect(d[1]!.reason).toMatch(/stabilising at 4 over 120 s/);
  });

  it('burst shrinks first: baseline above its minimum waits until burst is at its minimum', () => {
    const base = pool('nvidia-base', { kind: 'baseline', minReplicas: 1, maxReplicas: 4 });
    const quiet = { lastWaitingAt: 0 };
    const d = decide(
      { active: 0 },
      {
        'nvidia-base': { replicas: 4, ...quiet },
        'nvidia-burst': { replicas: 2, ...quiet, recent: [{ at: 999, desired: 2 }] },
      },
      1000,
      [base, burst],
    );
    expect(counts(d)).toEqual([4, 2]);
    expect(d[0]!.reason).toMatch(/burst pools shrink first/);
    const later = decide(
      { active: 0 },
      { 'nvidia-base': { replicas: 4, ...quiet }, 'nvidia-burst': { replicas: 0 } },
      2000,
      [base, burst],
    );
    expect(counts(later)).toEqual([1, 0]);
  });

  it('records the state the next call needs', () => {
    const [, b] = decide(
      { active: 2, waiting: 10, backlogSeconds: 300 },
      { 'nvidia-base': { replicas: 2 }, 'nvidia-burst': { replicas: 0 } },
      500,
    );
    expect(b!.state).toMatchObject({ replicas: 10, lastScaleUpAt: 500, lastWaitingAt: 500 });
    expect(b!.state.recent).toEqual([{ at: 500, desired: 10 }]);
  });

  it('groups pools by shared queues; separate groups decide alone', () => {
    const cpu = pool('cpu', { queues: ['ff.cpu'] });
    const up = pool('upscale', { queues: ['ff.nvidia.proc-upscale', 'ff.nvidia'] });
    expect(groupPools([baseline, cpu, burst, up]).map((g) => g.map((p) => p.name))).toEqual([
      ['cpu'],
      ['nvidia-base', 'nvidia-burst', 'upscale'],
    ]);
    const d = decideScaling([cpu, baseline], { 'ff.cpu': signal({ active: 3 }) }, {}, 0);
    expect(counts(d)).toEqual([3, 2]);
  });
});
