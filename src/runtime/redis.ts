import type { Redis } from 'ioredis';
import { detectCapabilities, type Capabilities } from '../cluster/capabilities.js';
import { loadCapabilityConfig, type DeclaredCapabilities } from '../cluster/capability-config.js';
import { PipelineRegistry } from '../engine/registry.js';
import type { Logger, Pipeline } from '../engine/types.js';

import { checkEvictionPolicy, openRedis } from '../engine/redis/connection.js';
import { fleetPathPolicy } from '../engine/redis/job-roots.js';
import { RedisBackend } from '../engine/redis/redis-backend.js';
import type { RetryPolicy } from '../engine/redis/queue-set.js';
import { detectEncoders } from '../media/hardware.js';
import { openStorage } from '../storage/index.js';
import { serverRoots, workExclusions, type PathRoots } from '../storage/path-policy.js';
import { FleetWorker } from '../worker/fleet-worker.js';
import { detectGpus } from '../cluster/gpu-detect.js';
import { allPipelines } from '../pipelines/job-types.js';
import type { Processors } from '../pipelines/transcode/index.js';
import { processorPipelines, withProcessorFeatures } from './processors.js';
import { RedisFleetView } from './redis-fleet-view.js';
import { cached, type Runtime, type RuntimeOptions } from './runtime.js';

import { DEFAULT_PREFIX, DEFAULT_REDIS_URL } from './redis-defaults.js';

export { DEFAULT_PREFIX, DEFAULT_REDIS_URL };

export interface FleetConnectionOptions {
  redisUrl: string;
  prefix: string;
  storageUrl: string;
  log: Logger;
  /** Extra job types (tests, benchmarks) on top of allPipelines(). */
  pipelines?: Pipeline[];
  /** Configured processors: names a submit may use; a worker offers those it can run. */
  processors?: Processors;
  /** How long the first PING may go unanswered before REDIS_UNREACHABLE (`redis.connectTimeoutMs`). */
  connectTimeoutMs?: number;
  /** What the tasks this process queues are given (`retry:`); default 3 attempts from 1 s. */
  retry?: RetryPolicy;
}

/** A submitter's view of the fleet: the Redis backend with framefleet's pipelines and the shared storage. */
export async function openRedisBackend(
  options: FleetConnectionOptions & { keepIntermediates?: boolean; submitRoots?: PathRoots },
): Promise<{ backend: RedisBackend; redis: Redis; close(): Promise<void> }> {
  const redis = await openRedis(options.redisUrl, options.connectTimeoutMs);
  const storage = openStorage(options.storageUrl);
  const backend = await RedisBackend.open({
    redis,
    prefix: options.prefix,
    registry: registryFor(options),
    storage,
    log: options.log,
    keepIntermediates: options.keepIntermediates,
    submitRoots: options.submitRoots,
    retry: options.retry,
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
  /** This worker's own roots; without them, each job's recorded roots (or none) apply. */
  roots?: PathRoots;
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
  // Before detection (smoke encodes take seconds): an unreachable Redis is said at once.
  const redis = await openRedis(options.redisUrl, options.connectTimeoutMs);
  let declared: DeclaredCapabilities;
  let capabilities: Capabilities;
  try {
    declared =
      options.declared ??
      (options.capabilitiesFile ? await loadCapabilityConfig(options.capabilitiesFile) : {});
    capabilities = withProcessorFeatures(
      await workerCapabilities(declared, options.workerId ?? declared.workerId),
      options.processors,
    );
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  await checkEvictionPolicy(redis, options.log);
  const storage = openStorage(options.storageUrl);
  const worker = new FleetWorker({
    redis,
    prefix: options.prefix,
    registry: registryFor(options),
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
    retry: options.retry,
    paths: fleetPathPolicy(redis, options.prefix, options.roots, await workExclusions(storage)),
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

/** The fleet as a runtime: the Redis backend, the node registry's view, and optionally a worker here. */
export async function openFleetRuntime(
  options: RuntimeOptions,
  registry: PipelineRegistry,
): Promise<Runtime> {
  const connection = {
    redisUrl: options.redisUrl ?? DEFAULT_REDIS_URL,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    storageUrl: options.storageUrl!,
    log: options.log,
    pipelines: options.pipelines,
    processors: options.processors,
    connectTimeoutMs: options.connectTimeoutMs,
    retry: options.retry,
  };
  const storage = openStorage(connection.storageUrl);
  const roots =
    options.roots &&
    (await serverRoots(storage, options.roots.input, options.roots.output, [options.dataDir], (m) =>
      options.log?.warn(m),
    ));
  storage.close?.();
  const fleetBackend = await openRedisBackend({
    ...connection,
    keepIntermediates: options.keepIntermediates,
    submitRoots: roots,
  });
  const worker = options.worker
    ? await startFleetWorker({
        ...connection,
        roots,
        concurrency: options.cpuSlots,
        gpuSlots: options.gpuSlots,
        keepIntermediates: options.keepIntermediates,
      })
    : undefined;
  const { backend } = fleetBackend;
  const fleet = new RedisFleetView(backend, backend.ctx.nodes, options.sampleMs);
  return {
    mode: 'redis',
    backend,
    storage: backend.ctx.storage,
    registry,
    fleet,
    gpus: cached(async () => (await detectGpus()).gpus, 10_000),
    roots,
    async close() {
      fleet.close();
      await worker?.stop(10_000);
      await fleetBackend.close();
    },
  };
}

/** framefleet's job types, the configured processors' transcode over the default one, then extras. */
function registryFor(options: FleetConnectionOptions): PipelineRegistry {
  return new PipelineRegistry([
    ...allPipelines(),
    ...processorPipelines(options.processors),
    ...(options.pipelines ?? []),
  ]);
}
