/**
 * The autoscaling policy: pure arithmetic over what the queues and the pools report, one decision
 * per pool with the reason in one line. Pools that share a queue form a group: baseline pools fill
 * first, burst pools grow only for demand above baseline capacity or when the group breaches its
 * queue-wait SLO, and burst pools shrink first. Scale-in waits for an idle window and takes the
 * highest desired count of the stabilisation window (Kubernetes HPA's rule); scale-up waits out a
 * cooldown. The caller keeps `PoolState` between calls; nothing here reads a clock or the world.
 */

export interface ScalingPool {
  name: string;
  queues: readonly string[];
  kind: 'baseline' | 'burst';
  minReplicas: number;
  maxReplicas: number;
  slotsPerReplica: number;
  sloWaitSeconds: number;
  idleSeconds: number;
  cooldownSeconds: number;
  scaleDownStabilizationSeconds: number;
}

/** What one routing queue reports now. */
export interface QueueSignal {
  /** Seconds of one slot's work waiting: tasks x their learned seconds each. */
  backlogSeconds: number;
  waiting: number;
  active: number;
  /** Queue-wait p95 of recently started tasks, seconds. */
  waitP95Sec: number;
  oldestWaitSec: number;
}

/** What the caller remembers of a pool between decisions. */
export interface PoolState {
  replicas: number;
  /** Measured work-seconds per second one replica delivers; default: its slots. */
  throughputPerReplica?: number;
  lastScaleUpAt?: number;
  /** Last time a task of the pool's queues was waiting (seconds, the caller's clock). */
  lastWaitingAt?: number;
  /** Desired counts of recent decisions, for scale-down stabilisation. */
  recent?: readonly { at: number; desired: number }[];
}

export interface ScalingDecision {
  pool: string;
  from: number;
  desired: number;
  /** One line: "nvidia-burst 0 -> 3: backlog 540 s of work, baseline full, p95 wait 41 s > SLO 30 s". */
  reason: string;
  state: PoolState;
  /** The group's totals, as KEDA and the API show them. */
  backlogSeconds: number;
  waiting: number;
  active: number;
  oldestWaitSec: number;
  waitP95Sec: number;
}

const EMPTY: QueueSignal = { backlogSeconds: 0, waiting: 0, active: 0, waitP95Sec: 0, oldestWaitSec: 0 };

/** One decision per pool, in the pools' order. `now` is seconds on the caller's clock. Pure. */
export function decideScaling(
  pools: readonly ScalingPool[],
  queues: Readonly<Record<string, QueueSignal>>,
  states: Readonly<Record<string, PoolState>>,
  now: number,
): ScalingDecision[] {
  const out = new Map<string, ScalingDecision>();
  for (const group of groupPools(pools)) {
    for (const d of decideGroup(group, queues, states, now)) out.set(d.pool, d);
  }
  return pools.map((p) => out.get(p.name)!);
}

/** Pools joined by any shared queue (union-find over queue names). Pure. */
export function groupPools(pools: readonly ScalingPool[]): ScalingPool[][] {
  const groups: ScalingPool[][] = [];
  for (const pool of pools) {
    const joined = groups.filter((g) => g.some((p) => p.queues.some((q) => pool.queues.includes(q))));
    const merged = [...joined.flat(), pool];
    for (const g of joined) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((g) => pools.filter((p) => g.includes(p)));
}

function decideGroup(
  group: readonly ScalingPool[],
  queues: Readonly<Record<string, QueueSignal>>,
  states: Readonly<Record<string, PoolState>>,
  now: number,
): ScalingDecision[] {
  const names = [...new Set(group.flatMap((p) => p.queues))];
  const signals = names.map((q) => queues[q] ?? EMPTY);
  const sum = (f: (s: QueueSignal) => number) => signals.reduce((a, s) => a + f(s), 0);
  const max = (f: (s: QueueSignal) => number) => signals.reduce((a, s) => Math.max(a, f(s)), 0);
  const signal: QueueSignal = {
    backlogSeconds: sum((s) => s.backlogSeconds),
    waiting: sum((s) => s.waiting),
    active: sum((s) => s.active),
    waitP95Sec: max((s) => s.waitP95Sec),
    oldestWaitSec: max((s) => s.oldestWaitSec),
  };
  const slo = Math.min(...group.map((p) => p.sloWaitSeconds));
  // Slots the backlog needs to drain within the SLO; never more than one per waiting task.
  const backlogSlots = Math.min(signal.waiting, signal.backlogSeconds / slo);
  const breach = signal.waiting > 0 && Math.max(signal.waitP95Sec, signal.oldestWaitSec) > slo;
  let demand = signal.active + backlogSlots;
  const stateOf = (p: ScalingPool): PoolState => states[p.name] ?? { replicas: p.minReplicas };
  const capacity = (p: ScalingPool) => stateOf(p).throughputPerReplica ?? p.slotsPerReplica;

  const target = new Map<string, number>();
  let baselineFull = true;
  for (const pool of group.filter((p) => p.kind === 'baseline')) {
    const want = clamp(Math.ceil(demand / capacity(pool) - 1e-9), pool.minReplicas, pool.maxReplicas);
    if (want < pool.maxReplicas) baselineFull = false;
    target.set(pool.name, want);
    demand = Math.max(0, demand - want * capacity(pool));
  }
  // A breach means the running fleet is not keeping up: size burst for the whole backlog.
  let breachSlots = breach ? backlogSlots : 0;
  for (const pool of group.filter((p) => p.kind === 'burst')) {
    const slots = Math.max(demand, breachSlots);
    const want = clamp(Math.ceil(slots / capacity(pool) - 1e-9), pool.minReplicas, pool.maxReplicas);
    target.set(pool.name, want);
    demand = Math.max(0, demand - want * capacity(pool));
    breachSlots = Math.max(0, breachSlots - want * capacity(pool));
  }

  const idle = signal.waiting === 0;
  const decisions = group.map((pool) => {
    const state = stateOf(pool);
    const lastWaitingAt = idle ? state.lastWaitingAt : now;
    const window = pool.scaleDownStabilizationSeconds;
    const raw = target.get(pool.name)!;
    const recent = [...(state.recent ?? []).filter((r) => now - r.at < window), { at: now, desired: raw }];
    let desired = raw;
    const why: string[] = [];
    if (raw > state.replicas) {
      const cooling = state.lastScaleUpAt !== undefined && now - state.lastScaleUpAt < pool.cooldownSeconds;
      if (cooling) {
        desired = state.replicas;
        why.push(`cooldown ${Math.round(pool.cooldownSeconds - (now - state.lastScaleUpAt!))} s left`);
      }
    } else if (raw < state.replicas) {
      const stable = Math.max(...recent.map((r) => r.desired));
      const idleFor = lastWaitingAt === undefined ? Infinity : now - lastWaitingAt;
      if (idleFor < pool.idleSeconds) {
        desired = state.replicas;
        why.push(`idle ${Math.round(idleFor)} s < ${pool.idleSeconds} s`);
      } else if (stable > raw) {
        desired = Math.min(state.replicas, stable);
        why.push(`stabilising at ${stable} over ${window} s`);
      }
    }
    return { pool, state, desired, raw, recent, lastWaitingAt, why };
  });
  // Burst shrinks first: a baseline pool goes down only when every burst pool is at its minimum.
  const burstAtMin = decisions.every((d) => d.pool.kind === 'baseline' || d.desired <= d.pool.minReplicas);
  for (const d of decisions) {
    if (d.pool.kind === 'baseline' && d.desired < d.state.replicas && !burstAtMin) {
      d.desired = d.state.replicas;
      d.why = ['burst pools shrink first'];
    }
  }

  return decisions.map(({ pool, state, desired, recent, lastWaitingAt, why }) => {
    const facts = [
      `backlog ${Math.round(signal.backlogSeconds)} s of work`,
      `${signal.waiting} waiting, ${signal.active} running`,
    ];
    if (pool.kind === 'burst') facts.push(baselineFull ? 'baseline full' : 'baseline has room');
    const p95 = Math.round(Math.max(signal.waitP95Sec, signal.oldestWaitSec));
    facts.push(breach ? `p95 wait ${p95} s > SLO ${slo} s` : `p95 wait ${p95} s <= SLO ${slo} s`);
    const next: PoolState = {
      ...state,
      replicas: desired,
      recent,
      ...(lastWaitingAt !== undefined ? { lastWaitingAt } : {}),
      ...(desired > state.replicas ? { lastScaleUpAt: now } : {}),
    };
    return {
      pool: pool.name,
      from: state.replicas,
      desired,
      reason: `${pool.name} ${state.replicas} -> ${desired}: ${[...facts, ...why].join(', ')}`,
      state: next,
      backlogSeconds: signal.backlogSeconds,
      waiting: signal.waiting,
      active: signal.active,
      oldestWaitSec: signal.oldestWaitSec,
      waitP95Sec: signal.waitP95Sec,
    };
  });
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
