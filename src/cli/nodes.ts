import type { Command } from 'commander';
import type { NodeInfo } from '../engine/redis/node-registry.js';
import { withRedisOptions } from './redis-options.js';
import { action } from './common.js';
import { redisConnectTimeoutMs } from './config-apply.js';

export function registerNodes(program: Command): void {
  withRedisOptions(
    program.command('nodes').description('list live workers: capabilities, load and current tasks'),
  )
    .option('--json', 'machine-readable output')
    .action(
      action(async (flags: { redis: string; prefix: string; json?: boolean }) => {
        // Loaded here, not at start-up: `framefleet --help` should not pay for a Redis client.
        const [{ openRedis }, { RedisKeys }, { NodeRegistry }] = await Promise.all([
          import('../engine/redis/connection.js'),
          import('../engine/redis/keys.js'),
          import('../engine/redis/node-registry.js'),
        ]);
        const redis = await openRedis(flags.redis, redisConnectTimeoutMs());
        try {
          const nodes = await new NodeRegistry(redis, new RedisKeys(flags.prefix)).live();
          process.stdout.write(flags.json ? `${JSON.stringify(nodes, null, 2)}\n` : nodesTable(nodes));
        } finally {
          await redis.quit();
        }
      }),
    );
}

/** A plain-text table of live workers. Pure. */
export function nodesTable(nodes: readonly NodeInfo[]): string {
  if (nodes.length === 0) return 'no live workers\n';
  const rows = nodes.map((n) => {
    const gpus = n.capabilities.gpus.map((g) => `${g.vendor} ${g.model}`.trim()).join(', ') || '-';
    const busy = n.tasks.filter((t) => t.kind !== 'plan').length;
    return [
      n.id + (n.draining ? ' (draining)' : ''),
      `${n.capabilities.cores}c ${Math.round(n.capabilities.memoryMb / 1024)}G`,
      gpus,
      n.capabilities.encoders.join(',') || '-',
      `${busy}/${n.slots.cpu + n.slots.gpu}`,
      n.tasks.map((t) => `${t.jobId}/${t.taskId}`).join(' ') || '-',
    ];
  });
  const header = ['WORKER', 'CPU/MEM', 'GPUS', 'ENCODERS', 'LOAD', 'TASKS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
