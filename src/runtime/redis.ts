import type { Redis } from 'ioredis';
import { detectCapabilities, type Capabilities } from '../cluster/capabilities.js';
import { loadCapabilityConfig, type DeclaredCapabilities } from '../cluster/capability-config.js';
import { PipelineRegistry } from '../engine/registry.js';
import type { Logger, Pipeline } from '../engine/types.js';
import { checkEvictionPolicy, connectRedis } from '../engine/redis/connection.js';
import { RedisBackend } from '../engine/redis/redis-backend.js';
import { detectEncoders } from '../media/hardware.js';
import { openStorage } from '../storage/index.js';
import { FleetWorker } from '../worker/fleet-worker.js';
import { allPipelines } from './local.js';

export { DEFAULT_PREFIX, DEFAULT_REDIS_URL } from './redis-defaults.js';

export interface FleetConnectionOptions {
  redisUrl: string;
  prefix: string;
  storageUrl: string;
  log: Logger;
  /** Extra job types (tests, benchmarks) on top of allPipelines(). */
  pipelines?: Pipeline[];
}

/** A submitter's view of the fleet: the Redis backend with framefleet's pipelines and the shared storage. */
export async function openRedisBackend(
  options: FleetConnectionOptions & { keepIntermediates?: boolean },
): Promise<{ backend: RedisBackend; redis: Redis; close(): Promise<void> }> {
  const redis = connectRedis(options.redisUrl);
  const storage = openStorage(options.storageUrl);
  const backend = await RedisBackend.open({
    redis,
    prefix: options.prefix,
    registry: new PipelineRegistry([...allPipelines(), ...(options.pipelines ?? [])]),
    storage,
    log: options.log,
    keepIntermediates: options.keepIntermediates,
  });
  return {
    backend,
    redis,
    close: async () => {
      await backend.close();
      storage.close?.();
      await redis.quit().catch(() => undefined);
    },
  };
}

export interface WorkerRuntimeOptions extends FleetConnectionOptions {
  concurrency: number;
  gpuSlots?: number;
  queues?: string[];
  /** YAML/JSON file of declared capabilities (tests, fixed pools). */
  capabilitiesFile?: string;
  declared?: DeclaredCapabilities;
  workerId?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  heartbeatMs?: number;
  keepIntermediates?: boolean;
}

/**
 * This machine's capabilities: detected hardware plus encoders that pass a smoke encode here,
 * unless declared (a declared encoder list is trusted as it is).
 */
export async function workerCapabilities(
  declared: DeclaredCapabilities,
  workerId?: string,
): Promise<Capabilities> {
  const detected = await detectCapabilities({ declared, ...(workerId ? { workerId } : {}) });
  if (declared.encoders) return detected;
  const inventory = await detectEncoders();
  // Only the encoders come from ffmpeg: it lists hwaccels it was built with, not ones this machine
  // has, so the detected hwaccels stay.
  return { ...detected, encoders: inventory.proven };
}

/** A worker wired with real parts: Redis, the storage URL, detected or declared capabilities. */
export async function startFleetWorker(
  options: WorkerRuntimeOptions,
): Promise<{ worker: FleetWorker; capabilities: Capabilities; stop(graceMs: number): Promise<void> }> {
  const declared =
    options.declared ??
    (options.capabilitiesFile ? await loadCapabilityConfig(options.capabilitiesFile) : {});
  const capabilities = await workerCapabilities(declared, options.workerId ?? declared.workerId);
  const redis = connectRedis(options.redisUrl);
  await checkEvictionPolicy(redis, options.log);
  const storage = openStorage(options.storageUrl);
  const worker = new FleetWorker({
    redis,
    prefix: options.prefix,
    registry: new PipelineRegistry([...allPipelines(), ...(options.pipelines ?? [])]),
    storage,
    capabilities,
    log: options.log,
    workerId: options.workerId ?? declared.workerId,
    concurrency: options.concurrency,
    gpuSlots: options.gpuSlots,
    queues: options.queues,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
    heartbeatMs: options.heartbeatMs,
    keepIntermediates: options.keepIntermediates,
  });
  await worker.start();
  return {
    worker,
    capabilities,
    stop: async (graceMs) => {
      await worker.stop(graceMs);
      storage.close?.();
      await redis.quit().catch(() => undefined);
    },
  };
}
