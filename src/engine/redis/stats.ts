import type { PoolStats } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { CONTROL_QUEUE } from './keys.js';

/** What the pool counts are read through. */
export type StatsContext = Pick<FleetContext, 'redis' | 'keys' | 'queues' | 'clock'>;

/** Per-minute data points BullMQ keeps for finished and failed counts (workers set `metrics`). */
export const METRICS_POINTS = 60;

/**
 * Per-pool counts from BullMQ's own structures: list and set lengths, its per-minute metrics, and
 * the timestamps of the jobs at the ends of the waiting list and priority set. The cost grows with
 * the number of pools, never with the number of jobs. The oldest wait is exact for one priority and
 * approximate when jobs of several priorities wait together.
 */
export async function poolStats(ctx: StatsContext): Promise<PoolStats[]> {
  const names = [CONTROL_QUEUE, ...(await ctx.queues.inUse())];
  return Promise.all(names.map((name) => onePool(ctx, name)));
}

async function onePool(ctx: StatsContext, name: string): Promise<PoolStats> {
  const queue = ctx.queues.get(name);
  const base = `${ctx.keys.prefix}:${name}`;
  const [counts, done, failed, ends] = await Promise.all([
    queue.getJobCounts('wait', 'prioritized', 'active', 'delayed'),
    queue.getMetrics('completed', 0, METRICS_POINTS - 1),
    queue.getMetrics('failed', 0, METRICS_POINTS - 1),
    ctx.redis
      .multi()
      .lindex(`${base}:wait`, -1)
      .zrange(`${base}:prioritized`, '0', '0')
      .zrange(`${base}:prioritized`, '-1', '-1')
      .exec(),
  ]);
  const ids = (ends ?? []).flatMap(([, value]) => (Array.isArray(value) ? value : value ? [value] : []));
  const stamps = await Promise.all(ids.map((id) => ctx.redis.hget(`${base}:${String(id)}`, 'timestamp')));
  const oldest = Math.min(...stamps.map((s) => Number(s)).filter((n) => Number.isFinite(n) && n > 0));
  return {
    pool: name,
    waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    finishedLastHour: lastHour(done),
    failedLastHour: lastHour(failed),
    oldestWaitingSec: Number.isFinite(oldest) ? Math.max(0, (ctx.clock().getTime() - oldest) / 1000) : 0,
  };
}

/** The closed minutes BullMQ has pushed plus the count of the minute still open. */
function lastHour(metrics: { meta: { count: number; prevCount: number }; data: number[] }): number {
  const open = Math.max(0, metrics.meta.count - metrics.meta.prevCount);
  return open + metrics.data.slice(0, METRICS_POINTS - 1).reduce((sum, n) => sum + n, 0);
}
