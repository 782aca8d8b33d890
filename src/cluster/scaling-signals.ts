import type { JobEvent, PoolStats } from '../engine/types.js';
import type { QueueSignal } from './scaling-policy.js';

export interface SignalOptions {
  /** Weight of the newest finished task in the learned seconds per task. */
  alpha?: number;
  /** Window of the wait samples the p95 is taken over, ms. */
  windowMs?: number;
  /** Seconds a task is assumed to take before any has finished in its queue. */
  defaultTaskSeconds?: number;
}

/**
 * What the policy reads of each queue, learned from what the backend already reports: seconds per
 * task from finished runs (task events carry their seconds and queue), and the queue-wait p95 from
 * the age of the oldest waiting task sampled at every read over a window (an upper bound on the
 * waits of the tasks that started meanwhile; the backend's stats stay O(pools)).
 */
export class ScalingSignals {
  private readonly taskSeconds = new Map<string, number>();
  private readonly waits = new Map<string, { at: number; sec: number }[]>();
  private readonly alpha: number;
  private readonly windowMs: number;
  private readonly defaultTaskSeconds: number;

  constructor(options: SignalOptions = {}) {
    this.alpha = options.alpha ?? 0.2;
    this.windowMs = options.windowMs ?? 300_000;
    this.defaultTaskSeconds = options.defaultTaskSeconds ?? 30;
  }

  /** Feed every backend event; only finished runs teach. */
  observe(event: JobEvent): void {
    if (event.type !== 'task' || event.state !== 'done' || event.seconds === undefined || !event.pool) return;
    const before = this.taskSeconds.get(event.pool);
    const next = before === undefined ? event.seconds : before + this.alpha * (event.seconds - before);
    this.taskSeconds.set(event.pool, next);
  }

  /** Learned seconds of one task of a queue. */
  secondsPerTask(queue: string): number {
    return this.taskSeconds.get(queue) ?? this.defaultTaskSeconds;
  }

  /** The policy's view of each queue from one stats read at `nowMs`. */
  signals(pools: readonly PoolStats[], nowMs: number): Record<string, QueueSignal> {
    const out: Record<string, QueueSignal> = {};
    for (const p of pools) {
      const samples = (this.waits.get(p.pool) ?? []).filter((s) => nowMs - s.at < this.windowMs);
      samples.push({ at: nowMs, sec: p.oldestWaitingSec });
      this.waits.set(p.pool, samples);
      const sorted = samples.map((s) => s.sec).sort((a, b) => a - b);
      out[p.pool] = {
        backlogSeconds: p.waiting * this.secondsPerTask(p.pool),
        waiting: p.waiting,
        active: p.active,
        waitP95Sec: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? 0,
        oldestWaitSec: p.oldestWaitingSec,
      };
    }
    return out;
  }
}
