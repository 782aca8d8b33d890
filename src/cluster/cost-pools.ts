import type { TaskRecord } from '../engine/types.js';

/** What pricing a run needs of a configured pool. */
export interface PricedPool {
  name: string;
  queues: readonly string[];
  kind: 'baseline' | 'burst';
  pricePerHour: number;
  /** Its workers' ids start with `<deployment>-` (a pod's hostname is `<deployment>-<hash>-<hash>`). */
  deployment: string;
}

export interface PoolJobCost {
  /** Dollars (or whatever currency the prices are in), summed over every finished run, retries too. */
  total: number;
  byPool: Record<string, { seconds: number; cost: number; pricePerHour: number }>;
  /** Queues of runs no pool serves: their seconds count, at no price. */
  unpriced: Record<string, number>;
}

/**
 * Which pool ran a run: the pool whose Deployment named the worker, else the pool serving its
 * queue (a baseline pool first: baseline fills first), else none. Pure.
 */
export function poolOfRun(
  run: { worker: string; pool: string },
  pools: readonly PricedPool[],
): PricedPool | undefined {
  const byWorker = pools.find(
    (p) => run.worker.startsWith(`${p.deployment}-`) && p.queues.includes(run.pool),
  );
  if (byWorker) return byWorker;
  const serving = pools.filter((p) => p.queues.includes(run.pool));
  return serving.find((p) => p.kind === 'baseline') ?? serving[0];
}

/**
 * A job's cost: each finished run's worker-seconds (as JobRecord.usage counts them: reused
 * checkpoints cost nothing, retries and hand-backs do) times its pool's hourly price. Pure.
 */
export function jobCostByPool(tasks: readonly TaskRecord[], pools: readonly PricedPool[]): PoolJobCost {
  const byPool: PoolJobCost['byPool'] = {};
  const unpriced: Record<string, number> = {};
  let total = 0;
  for (const task of tasks) {
    for (const run of task.runs ?? []) {
      if (run.finishedAt === undefined || run.outcome === 'reused') continue;
      const seconds = Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000);
      const pool = poolOfRun(run, pools);
      if (!pool) {
        unpriced[run.pool] = (unpriced[run.pool] ?? 0) + seconds;
        continue;
      }
      const cost = (seconds * pool.pricePerHour) / 3600;
      const entry = (byPool[pool.name] ??= { seconds: 0, cost: 0, pricePerHour: pool.pricePerHour });
      entry.seconds += seconds;
      entry.cost += cost;
      total += cost;
    }
  }
  return { total, byPool, unpriced };
}
