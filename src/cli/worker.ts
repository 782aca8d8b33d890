import type { Command } from 'commander';
import { createLogger } from '../logger.js';
import { startFleetWorker } from '../runtime/redis.js';
import { withRedisOptions } from './redis-options.js';
import { canonicalRoots } from '../server/confine.js';
import { startHealthServer } from '../worker/health-server.js';
import { action, intOption, numberOption } from './common.js';
import { availableParallelism } from 'node:os';

interface WorkerFlags {
  redis: string;
  storage: string;
  concurrency?: number;
  gpuSlots?: number;
  queues?: string[];
  capabilities?: string;
  port?: number;
  graceSeconds: number;
  prefix: string;
  id?: string;
  lockSeconds: number;
  stalledSeconds: number;
  heartbeatSeconds: number;
  inputRoot: string[];
  outputRoot: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerWorker(program: Command): void {
  withRedisOptions(
    program
      .command('worker')
      .description('run tasks from Redis: register capabilities, consume the queues this machine can serve'),
  )
    .requiredOption('--storage <url>', 'shared storage: file:///shared/path or s3://bucket/prefix')
    .option(
      '--concurrency <n>',
      'concurrent CPU tasks (default: core count)',
      intOption('--concurrency', 1, 256),
    )
    .option(
      '--gpu-slots <n>',
      'concurrent tasks per GPU (NVENC session limit); each task is pinned to one GPU',
      intOption('--gpu-slots', 1, 64),
    )
    .option('--queues <names...>', 'consume exactly these task queues (e.g. ff.cpu ff.enc=libx264)')
    .option('--capabilities <file>', 'YAML/JSON file of declared capabilities (override detection)')
    .option(
      '--port <port>',
      'serve /healthz, /readyz and /metrics on this port',
      intOption('--port', 0, 65535),
    )
    .option(
      '--grace-seconds <s>',
      'on SIGTERM, let running tasks finish this long',
      numberOption('--grace-seconds', 0, 86400),
      30,
    )
    .option('--id <id>', 'worker id (default: host-pid-random)')
    .option(
      '--lock-seconds <s>',
      "task lock; a dead worker's task is retaken after it",
      numberOption('--lock-seconds', 1, 3600),
      30,
    )
    .option(
      '--stalled-seconds <s>',
      'how often to look for stalled tasks',
      numberOption('--stalled-seconds', 1, 3600),
      15,
    )
    .option(
      '--heartbeat-seconds <s>',
      'registration refresh (TTL is three of these)',
      numberOption('--heartbeat-seconds', 0.2, 600),
      2,
    )
    .option(
      '--input-root <dir>',
      "folder job inputs may come from here (repeatable); default: each job's server-recorded roots",
      collect,
      [],
    )
    .option(
      '--output-root <dir>',
      "folder job outputs may go to here (repeatable); default: each job's server-recorded roots",
      collect,
      [],
    )
    .option('--log-level <level>', 'debug|info|warn|error', 'info')
    .action(action(async (flags: WorkerFlags) => workerCommand(flags)));
}

async function workerCommand(flags: WorkerFlags): Promise<void> {
  const log = createLogger(flags.logLevel);
  // Either flag makes the roots this worker's own; a side left out allows nothing on that side.
  const ownRoots = flags.inputRoot.length + flags.outputRoot.length > 0;
  const roots = ownRoots
    ? { input: await canonicalRoots(flags.inputRoot), output: await canonicalRoots(flags.outputRoot) }
    : undefined;
  const fleet = await startFleetWorker({
    redisUrl: flags.redis,
    prefix: flags.prefix,
    storageUrl: flags.storage,
    log,
    concurrency: flags.concurrency ?? availableParallelism(),
    gpuSlots: flags.gpuSlots,
    queues: flags.queues,
    capabilitiesFile: flags.capabilities,
    workerId: flags.id,
    lockDurationMs: flags.lockSeconds * 1000,
    stalledIntervalMs: flags.stalledSeconds * 1000,
    heartbeatMs: flags.heartbeatSeconds * 1000,
    roots,
  });
  const { worker } = fleet;
  let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
  if (flags.port !== undefined) {
    health = await startHealthServer(
      { healthy: () => true, ready: () => worker.ready(), metrics: worker.metrics.registry },
      flags.port,
    );
  }
  log.info(
    {
      worker: worker.id,
      encoders: fleet.capabilities.encoders,
      queues: worker.queueNames(),
      port: health?.port,
    },
    'worker started',
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(
      { worker: worker.id, signal, graceSeconds: flags.graceSeconds },
      'stopping: finishing running tasks',
    );
    void fleet
      .stop(flags.graceSeconds * 1000)
      .then(() => health?.server.close())
      .then(() => {
        log.info({ worker: worker.id }, 'stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
