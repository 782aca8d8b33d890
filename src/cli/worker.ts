import type { Command } from 'commander';
import { withRedisOptions } from './redis-options.js';
import { action, intOption, numberOption, repeatable } from './common.js';

export interface WorkerFlags {
  redis: string;
  storage?: string;
  concurrency?: number;
  gpuSlots?: number;
  queues?: string[];
  capabilities?: string;
  port?: number;
  healthHost: string;
  graceSeconds: number;
  prefix: string;
  id?: string;
  lockSeconds: number;
  stalledSeconds: number;
  heartbeatSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  inputRoot: string[];
  outputRoot: string[];
}

export function registerWorker(program: Command): void {
  withRedisOptions(
    program
      .command('worker')
      .description('run tasks from Redis: register capabilities, consume the queues this machine can serve'),
  )
    .option('--storage <url>', 'shared storage: file:///shared/path or s3://bucket/prefix')
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
      '--health-host <addr>',
      'address for --port to bind; /metrics has no token, so 0.0.0.0 only where the network is trusted (Kubernetes probes by pod IP)',
      '127.0.0.1',
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
    .addOption(
      repeatable(
        '--input-root <dir>',
        'folder job inputs may come from here (repeatable)',
        "each job's server-recorded roots",
      ),
    )
    .addOption(
      repeatable(
        '--output-root <dir>',
        'folder job outputs may go to here (repeatable)',
        "each job's server-recorded roots",
      ),
    )
    .option('--log-level <level>', 'debug|info|warn|error', 'info')
    .action(
      action(async (flags: WorkerFlags) => {
        const { workerCommand } = await import('./worker-run.js');
        await workerCommand(flags);
      }),
    );
}
