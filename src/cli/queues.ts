import type { Command } from 'commander';
import { withRedisOptions } from './redis-options.js';
import { action } from './common.js';
import { redisConnectTimeoutMs } from './config-apply.js';

interface QueuesFlags {
  redis: string;
  prefix: string;
  json?: boolean;
  retryFailed?: boolean;
  clean?: boolean;
}

export function registerQueues(program: Command): void {
  withRedisOptions(program.command('queues').description('task queues and their depths by state'))
    .option('--retry-failed', 'move failed tasks back to waiting')
    .option('--clean', 'remove completed and failed tasks')
    .option('--json', 'machine-readable output')
    .action(action(async (flags: QueuesFlags) => queuesCommand(flags)));
}

async function queuesCommand(flags: QueuesFlags): Promise<void> {
  // Loaded here, not at start-up: `framefleet --help` should not pay for a Redis client.
  const [{ openRedis }, { QueueSet }, { RedisKeys }, { poolStats }] = await Promise.all([
    import('../engine/redis/connection.js'),
    import('../engine/redis/queue-set.js'),
    import('../engine/redis/keys.js'),
    import('../engine/redis/stats.js'),
  ]);
  const redis = await openRedis(flags.redis, redisConnectTimeoutMs());
  const keys = new RedisKeys(flags.prefix);
  const ctx = { redis, keys, queues: new QueueSet(redis, keys), clock: () => new Date() };
  let pools: Awaited<ReturnType<typeof poolStats>>;
  // What --retry-failed and --clean did, said before the table (they were silent).
  const done = { retried: 0, completed: 0, failed: 0 };
  try {
    if (flags.retryFailed || flags.clean) {
      for (const name of ['ff.control', ...(await ctx.queues.inUse())]) {
        const queue = ctx.queues.get(name);
        if (flags.retryFailed) {
          done.retried += await queue.getFailedCount();
          await queue.retryJobs({ state: 'failed' });
        }
        if (flags.clean) {
          done.completed += (await queue.clean(0, 0, 'completed')).length;
          done.failed += (await queue.clean(0, 0, 'failed')).length;
        }
      }
    }
    // The same counts /metrics, /readyz and the dashboard show: one definition of queue depth.
    pools = await poolStats(ctx);
  } finally {
    await ctx.queues.close();
    await redis.quit();
  }
  const rows = pools.map(({ pool, ...counts }) => ({ queue: pool, ...counts }));
  const said = [
    flags.retryFailed && `${done.retried} failed task${done.retried === 1 ? '' : 's'} put back to wait`,
    flags.clean &&
      `removed ${done.completed} completed and ${done.failed} failed task${done.failed === 1 ? '' : 's'}`,
  ].filter(Boolean);
  // JSON stays the table's rows; the summary goes to stderr there.
  if (said.length) (flags.json ? process.stderr : process.stdout).write(`${said.join('; ')}\n`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const header = ['POOL', 'WAITING', 'ACTIVE', 'DELAYED', 'OLDEST WAIT', 'DONE/1H', 'FAILED/1H'];
  const table = [
    header,
    ...rows.map((r) => [
      r.queue,
      String(r.waiting),
      String(r.active),
      String(r.delayed),
      `${r.oldestWaitingSec.toFixed(0)}s`,
      String(r.finishedLastHour),
      String(r.failedLastHour),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  process.stdout.write(
    `${table.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n')}\n`,
  );
}
