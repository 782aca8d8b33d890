import { availableParallelism } from 'node:os';
import { createLogger } from '../logger.js';
import { currentConfig } from './config-apply.js';
import { processorsOf } from '../runtime/processors.js';
import { startFleetWorker } from '../runtime/redis.js';
import { canonicalRoots } from '../storage/path-policy.js';
import { startHealthServer } from '../worker/health-server.js';
import { configuredRetry, redisConnectTimeoutMs, requireStorage } from './config-apply.js';
import type { WorkerFlags } from './worker.js';

export async function workerCommand(flags: WorkerFlags): Promise<void> {
  const log = createLogger(flags.logLevel);
  // Either flag makes the roots this worker's own; a side left out allows nothing on that side.
  const ownRoots = flags.inputRoot.length + flags.outputRoot.length > 0;
  const roots = ownRoots
    ? { input: await canonicalRoots(flags.inputRoot), output: await canonicalRoots(flags.outputRoot) }
    : undefined;
  const processors = processorsOf(currentConfig());
  const fleet = await startFleetWorker({
    processors,
    redisUrl: flags.redis,
    connectTimeoutMs: redisConnectTimeoutMs(),
    retry: configuredRetry(),
    prefix: flags.prefix,
    storageUrl: requireStorage(flags.storage, 'worker'),
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
      flags.healthHost,
    );
  }
  log.info(
    {
      worker: worker.id,
      encoders: fleet.capabilities.encoders,
      processors: fleet.capabilities.features?.filter((f) => f.startsWith('proc:')),
      queues: worker.queueNames(),
      port: health?.port,
      healthHost: health && flags.healthHost,
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
