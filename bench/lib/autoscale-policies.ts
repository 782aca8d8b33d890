/**
 * The policies the autoscale benchmark compares, each over the same simulated fleet: framefleet's
 * (src/cluster/scaling-policy.ts, the real one), seed 002's formula, KEDA's plain queue-length
 * rule as platform teams configure it for BullMQ, and a fixed fleet.
 */
import { decideScaling, type PoolState, type ScalingPool } from '../../src/cluster/scaling-policy.js';
import type { SimPolicy, SimPool } from './autoscale-sim.js';

export const GPU_PRICE = 0.69; // RTX 6000 Ada per hour (seed 004); the same price for every policy

/** framefleet: a small always-on baseline and a burst pool above it, the real policy deciding. */
export function framefleetFleet(sloSec: number): { pools: SimPool[]; policy: SimPolicy } {
  const pools: SimPool[] = [
    {
      name: 'gpu-base',
      kind: 'baseline',
      min: 2,
      max: 4,
      startupSeconds: 45,
      slots: 1,
      pricePerHour: GPU_PRICE,
    },
    {
      name: 'gpu-burst',
      kind: 'burst',
      min: 0,
      max: 40,
      startupSeconds: 45,
      slots: 1,
      pricePerHour: GPU_PRICE,
    },
  ];
  const scaling: ScalingPool[] = pools.map((p) => ({
    name: p.name,
    queues: ['ff.nvidia'],
    kind: p.kind,
    minReplicas: p.min,
    maxReplicas: p.max,
    slotsPerReplica: p.slots,
    sloWaitSeconds: sloSec,
    idleSeconds: 60,
    cooldownSeconds: 15,
    scaleDownStabilizationSeconds: 180,
  }));
  const states: Record<string, PoolState> = {};
  const policy: SimPolicy = (obs) => {
    for (const p of pools) states[p.name] = { ...states[p.name], replicas: obs.replicas[p.name] ?? 0 };
    const signal = {
      backlogSeconds: obs.backlogSeconds,
      waiting: obs.waiting,
      active: obs.active,
      waitP95Sec: obs.waitP95Sec,
      oldestWaitSec: obs.oldestWaitSec,
    };
    const decisions = decideScaling(scaling, { 'ff.nvidia': signal }, states, obs.now);
    const out: Record<string, number> = {};
    for (const d of decisions) {
      states[d.pool] = d.state;
      out[d.pool] = d.desired;
    }
    return out;
  };
  return { pools, policy };
}

const single = (min: number, max: number, startupSeconds = 45): SimPool[] => [
  { name: 'gpu', kind: 'burst', min, max, startupSeconds, slots: 1, pricePerHour: GPU_PRICE },
];

/**
 * Seed 002: desired = ceil(pending / (200 * 0.5)), between 1 and 20, scale-down after 10 min idle.
 * `perReplica` replaces the 100 pending tasks per replica (for the cost-matched variants).
 */
export function seed002Fleet(perReplica = 200 * 0.5, max = 20): { pools: SimPool[]; policy: SimPolicy } {
  let lastBusy = 0;
  return {
    pools: single(1, max),
    policy: (obs) => {
      if (obs.waiting >= 5) lastBusy = obs.now;
      const want = Math.ceil(obs.waiting / perReplica);
      const now = obs.replicas.gpu ?? 1;
      // "Scale down: pending < 5 and idle for > 10 minutes".
      return { gpu: want >= now || obs.now - lastBusy > 600 ? want : now };
    },
  };
}

/**
 * KEDA's list-length scaler on a BullMQ wait list: HPA desired = ceil(list length / 5)
 * (lagThreshold 5 as in seed 004), 1..20 replicas, HPA's default 300 s scale-down stabilisation.
 * The wait list holds waiting tasks only, so running ones do not count.
 */
export function kedaQueueLengthFleet(target = 5, max = 20): { pools: SimPool[]; policy: SimPolicy } {
  const recent: { at: number; want: number }[] = [];
  return {
    pools: single(1, max),
    policy: (obs) => {
      const want = Math.ceil(obs.waiting / target);
      recent.push({ at: obs.now, want });
      while (recent[0]!.at < obs.now - 300) recent.shift();
      const now = obs.replicas.gpu ?? 1;
      return { gpu: want >= now ? want : Math.min(now, Math.max(...recent.map((r) => r.want))) };
    },
  };
}

export function fixedFleet(size: number): { pools: SimPool[]; policy: SimPolicy } {
  return { pools: single(size, size), policy: () => ({ gpu: size }) };
}
