import type { Command } from 'commander';
import { withRedisOptions } from './redis-options.js';
import { action } from './common.js';

const STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'completed',
  'failed',
] as const;

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
  const [{ Queue }, { connectRedis }, { CONTROL_QUEUE, RedisKeys }] = await Promise.all([
    import('bullmq'),
    import('../engine/redis/connection.js'),
    import('../engine/redis/keys.js'),
  ]);
  const redis = connectRedis(flags.redis);
  const keys = new RedisKeys(flags.prefix);
  const names = [CONTROL_QUEUE, ...(await redis.smembers(keys.queues)).sort()];
  const rows: Record<string, number | string>[] = [];
  try {
    for (const name of names) {
      const queue = new Queue(name, { connection: redis, prefix: flags.prefix });
      if (flags.retryFailed) await queue.retryJobs({ state: 'failed' });
      if (flags.clean) {
        await queue.clean(0, 0, 'completed');
        await queue.clean(0, 0, 'failed');
      }
      const counts = await queue.getJobCounts(...STATES);
      rows.push({ queue: name, ...counts });
      await queue.close();
    }
  } finally {
    await redis.quit();
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const header = ['QUEUE', ...STATES.map((s) => s.toUpperCase())];
  const table = [header, ...rows.map((r) => [String(r.queue), ...STATES.map((s) => String(r[s] ?? 0))])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  process.stdout.write(
    `${table.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n')}\n`,
  );
}
