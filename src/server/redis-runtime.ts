import { detectGpus } from '../cluster/gpu-detect.js';
import type { Logger } from '../engine/types.js';
import { openRedisBackend, startFleetWorker } from '../runtime/redis.js';
import { openStorage } from '../storage/index.js';
import { serverRoots } from './confine.js';
import { cached, type ServerRuntime } from './local-runtime.js';
import { RedisFleetView } from './redis-fleet-view.js';

export interface RedisServerRuntimeOptions {
  redisUrl: string;
  prefix: string;
  /** Storage every worker can reach (NFS/PVC path or s3://). */
  storageUrl: string;
  /** Recorded with every job, for workers without roots of their own; this process's worker uses them. */
  inputRoots: readonly string[];
  outputRoots: readonly string[];
  log: Logger;
  /** Also run a worker in this process with this many CPU slots. */
  withWorker?: { concurrency: number; gpuSlots?: number };
}

/** The fleet coordinator: the Redis backend, its node registry, and optionally a local worker. */
export async function openRedisServerRuntime(options: RedisServerRuntimeOptions): Promise<ServerRuntime> {
  const connection = {
    redisUrl: options.redisUrl,
    prefix: options.prefix,
    storageUrl: options.storageUrl,
    log: options.log,
  };
  const storage = openStorage(options.storageUrl);
  const roots = await serverRoots(storage, options.inputRoots, options.outputRoots);
  const fleetBackend = await openRedisBackend({ ...connection, submitRoots: roots });
  const worker = options.withWorker
    ? await startFleetWorker({
        ...connection,
        roots,
        concurrency: options.withWorker.concurrency,
        gpuSlots: options.withWorker.gpuSlots,
      })
    : undefined;
  const fleet = new RedisFleetView(fleetBackend.backend, fleetBackend.backend.ctx.nodes);
  return {
    backend: fleetBackend.backend,
    storage,
    fleet,
    gpus: cached(async () => (await detectGpus()).gpus, 10_000),
    roots,
    async close() {
      fleet.close();
      await worker?.stop(10_000);
      await fleetBackend.close();
      storage.close?.();
    },
  };
}
