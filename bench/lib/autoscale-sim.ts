/**
 * A simulated fleet for comparing scaling policies on one day of arrivals: seeded Poisson arrivals
 * (quiet night, morning ramp, 10x spikes), replicas that take `startupSeconds` to take work, a
 * slot per task, scale-in that removes idle replicas first and lets busy ones drain (never kills a
 * running task), billing from the moment a replica is asked for until it is gone. Deterministic.
 */
import { mulberry32 } from '../../src/random.js';

export interface Day {
  /** Tasks per second at `t` seconds into the day. */
  rate(t: number): number;
  /** Mean work of a task, seconds of one slot. */
  meanWorkSec: number;
  seconds: number;
}

export interface SimPool {
  name: string;
  kind: 'baseline' | 'burst';
  min: number;
  max: number;
  startupSeconds: number;
  slots: number;
  pricePerHour: number;
}

/** What a policy sees every `intervalSec`, as the server would report it. */
export interface SimObservation {
  now: number;
  waiting: number;
  active: number;
  /** Waiting tasks x the mean task seconds learned from finished ones. */
  backlogSeconds: number;
  /** p95 wait of tasks started over the last minute. */
  waitP95Sec: number;
  oldestWaitSec: number;
  /** Replicas asked for, per pool (starting ones included). */
  replicas: Record<string, number>;
}

export type SimPolicy = (obs: SimObservation) => Record<string, number>;

export interface SimResult {
  tasks: number;
  p95WaitSec: number;
  /** Tasks that waited longer than the SLO. */
  breaches: number;
  /** Fraction of tasks that waited longer than the SLO. */
  breachRate: number;
  workerHours: number;
  cost: number;
  peakReplicas: number;
}

interface Replica {
  pool: SimPool;
  createdAt: number;
  readyAt: number;
  running: number[];
  draining: boolean;
}

/** A bursty day: night at 5% of the day rate, a ramp 06:00-09:00, evening decline, 10x spikes. */
export function burstyDay(dayRate = 0.1, meanWorkSec = 30, spikes = [10.5, 14.25, 17.0]): Day {
  const h = 3600;
  const spikeMinutes = 4;
  return {
    meanWorkSec,
    seconds: 24 * h,
    rate(t) {
      const hour = t / h;
      let level = 0.05;
      if (hour >= 6 && hour < 9) level = 0.05 + (0.95 * (hour - 6)) / 3;
      else if (hour >= 9 && hour < 18) level = 1;
      else if (hour >= 18 && hour < 22) level = 1 - (0.95 * (hour - 18)) / 4;
      if (spikes.some((s) => hour >= s && hour < s + spikeMinutes / 60)) level = 10;
      return dayRate * level;
    },
  };
}

/** Arrival times and work of one day's tasks (exponential work around the mean). */
export function arrivals(day: Day, seed = 17): { at: number; work: number }[] {
  const rnd = mulberry32(seed);
  const out: { at: number; work: number }[] = [];
  for (let t = 0; t < day.seconds; t++) {
    // Poisson with a per-second rate below 1 per step on average: thinning by sub-steps.
    const rate = day.rate(t);
    for (let k = 0; k < 10; k++) {
      if (rnd() < rate / 10)
        out.push({ at: t + k / 10, work: Math.max(1, -day.meanWorkSec * Math.log(1 - rnd())) });
    }
  }
  return out;
}

/** Runs one policy over the day (and until the last task is done) in 1 s steps. */
export function simulate(
  tasks: readonly { at: number; work: number }[],
  pools: readonly SimPool[],
  policy: SimPolicy,
  options: { sloSec: number; daySeconds: number; intervalSec?: number },
): SimResult {
  const interval = options.intervalSec ?? 15;
  const replicas: Replica[] = [];
  // Queues read from a head index: shift() copied the whole backlog of a short fleet every start.
  const queue: { at: number; work: number }[] = [];
  let head = 0;
  const waits: number[] = [];
  const recentStarts: { at: number; wait: number }[] = [];
  let recent = 0;
  let next = 0;
  let billed = 0;
  let cost = 0;
  let learned = tasks[0]?.work ?? 1;
  let peak = 0;
  const add = (pool: SimPool, now: number) =>
    replicas.push({ pool, createdAt: now, readyAt: now + pool.startupSeconds, running: [], draining: false });
  for (const pool of pools) for (let i = 0; i < pool.min; i++) add(pool, -pool.startupSeconds);
  let now = 0;
  for (; next < tasks.length || queue.length > head || replicas.some((r) => r.running.length); now++) {
    while (next < tasks.length && tasks[next]!.at < now + 1) queue.push(tasks[next++]!);
    for (const r of replicas) {
      if (r.readyAt > now || r.running.length === 0) continue;
      // A second of work off every running task, finished ones dropped, in place.
      const running = r.running;
      let kept = 0;
      for (const w of running) if (w - 1 > 0) running[kept++] = w - 1;
      if (kept < running.length) running.length = kept;
    }
    // Started work teaches the mean (an EWMA of task seconds, as the server learns from runs).
    for (const r of replicas) {
      if (queue.length === head) break;
      if (r.readyAt > now || r.draining) continue;
      while (r.running.length < r.pool.slots && queue.length > head) {
        const task = queue[head++]!;
        const wait = now - task.at;
        waits.push(wait);
        recentStarts.push({ at: now, wait });
        learned = 0.95 * learned + 0.05 * task.work;
        r.running.push(task.work);
      }
    }
    // Drained replicas leave and stop billing.
    for (let i = replicas.length - 1; i >= 0; i--) {
      const r = replicas[i]!;
      if (r.draining && r.running.length === 0) {
        settle(r, now);
        replicas.splice(i, 1);
      }
    }
    if (now % interval === 0) {
      while (recent < recentStarts.length && recentStarts[recent]!.at < now - 60) recent++;
      const counts: Record<string, number> = {};
      for (const p of pools) counts[p.name] = replicas.filter((r) => r.pool === p && !r.draining).length;
      const desired = policy({
        now,
        waiting: queue.length - head,
        active: replicas.reduce((a, r) => a + r.running.length, 0),
        backlogSeconds: (queue.length - head) * learned,
        waitP95Sec: percentile(
          recentStarts.slice(recent).map((s) => s.wait),
          0.95,
        ),
        oldestWaitSec: queue.length > head ? now - queue[head]!.at : 0,
        replicas: counts,
      });
      for (const p of pools) {
        const want = Math.min(p.max, Math.max(p.min, desired[p.name] ?? counts[p.name]!));
        for (let n = counts[p.name]!; n < want; n++) add(p, now);
        // Scale-in removes idle replicas first (pod-deletion-cost), busy ones drain.
        const mine = replicas
          .filter((r) => r.pool === p && !r.draining)
          .sort((a, b) => a.running.length - b.running.length || b.readyAt - a.readyAt);
        for (const r of mine.slice(0, Math.max(0, counts[p.name]! - want))) r.draining = true;
      }
      peak = Math.max(peak, replicas.length);
    }
  }
  // Whatever is still up is billed to the end of the day (or the last task, if later).
  for (const r of replicas) settle(r, Math.max(options.daySeconds, now));
  const breaches = waits.filter((w) => w > options.sloSec).length;
  return {
    tasks: waits.length,
    p95WaitSec: percentile(waits, 0.95),
    breaches,
    breachRate: waits.length ? breaches / waits.length : 0,
    workerHours: billed / 3600,
    cost,
    peakReplicas: peak,
  };

  function settle(r: Replica, at: number): void {
    const seconds = Math.max(0, at - Math.max(r.createdAt, 0));
    billed += seconds;
    cost += (seconds / 3600) * r.pool.pricePerHour;
  }
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
