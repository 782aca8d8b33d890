import { ensureDataDir } from './data-dir.js';
import { pathToFileURL } from 'node:url';
import type { GpuInfo } from '../engine/capabilities.js';
import { PipelineRegistry } from '../engine/registry.js';
import type { Backend, Logger, Pipeline } from '../engine/types.js';
import type { RetryPolicy } from '../engine/redis/queue-set.js';
import type { PathRoots } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';
import type { FleetView } from './fleet-view.js';
import type { Processors } from '../pipelines/transcode/index.js';
import { processorPipelines } from './processors.js';

/**
 * The one composition root: everything that runs jobs (the CLI's job commands, the server, the
 * worker) builds its backend, storage, registry and view of the fleet here, from options the
 * caller resolved from flags, environment and config.
 */
export interface RuntimeOptions {
  /** 'local': the embedded default, nothing but Node and ffmpeg. 'redis': a fleet through Redis. */
  mode: 'local' | 'redis';
  log: Logger;
  /** Local job state, caches and (by default) storage. */
  dataDir: string;
  /** Redis mode: where the fleet's queues and records live. */
  redisUrl?: string;
  prefix?: string;
  /** Redis mode: how long the first PING may go unanswered before REDIS_UNREACHABLE. */
  connectTimeoutMs?: number;
  /** How often a failed task runs again and the first wait (`retry:`); default 3 attempts from 1 s. */
  retry?: RetryPolicy;
  /** Where inputs, intermediates and uploads live: file:///path or s3://bucket/prefix. Default: the data dir. */
  storageUrl?: string;
  /** Local mode: concurrent CPU tasks. Redis mode: the in-process worker's, when there is one. */
  cpuSlots: number;
  /** Concurrent tasks per GPU. */
  gpuSlots?: number;
  /** Redis mode: also run a worker in this process. */
  worker?: boolean;
  /** Local mode: only these encoders are smoke-tested (a command knows which it may use). */
  candidates?: readonly string[];
  /** Local mode: remember smoke-test results in the data dir (per ffmpeg build), for quick commands. */
  cacheSmokeTests?: boolean;
  keepIntermediates?: boolean;
  /** Local mode: start the jobs a killed process left unfinished (the server does; a command runs its own job only). */
  resume?: boolean;
  /** Local mode: how long a remove waits for a cancelled job's tasks to stop (default 10 s). */
  removeWaitMs?: number;
  /** Job types beyond framefleet's own (tests, benchmarks). */
  pipelines?: Pipeline[];
  /** Configured processors (`processors:` in framefleet.yaml): what `transcode --process` may name. */
  processors?: Processors;
  /** How often the fleet view samples queue depths for its chart. */
  sampleMs?: number;
  /**
   * A server's --input-root/--output-root: every job file is checked against them where it is opened
   * (local engine and in-process worker), and recorded with each job for fleet workers without roots
   * of their own. Absent: unconfined (a command on one's own machine).
   */
  roots?: { input: readonly string[]; output: readonly string[] };
}

export interface Runtime {
  mode: 'local' | 'redis';
  backend: Backend;
  storage: Storage;
  registry: PipelineRegistry;
  fleet: FleetView;
  gpus: () => Promise<GpuInfo[]>;
  /** The canonical roots (uploads included) jobs are held to, when the runtime confines them. */
  roots: PathRoots | undefined;
  close(): Promise<void>;
}

/** Builds the runtime for a mode; heavy modules (BullMQ, the S3 SDK) load only when that mode needs them. */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  await ensureDataDir(options.dataDir);
  // Loaded here, not with this module: the embedded engine's one-job commands import this module
  // and name only their own pipeline (LocalBackendOptions.pipelines).
  const { allPipelines } = await import('../pipelines/job-types.js');
  const registry = new PipelineRegistry([
    ...allPipelines(),
    ...processorPipelines(options.processors),
    ...(options.pipelines ?? []),
  ]);
  const storageUrl = options.storageUrl ?? pathToFileURL(options.dataDir).href;
  if (options.mode === 'redis') {
    const { openFleetRuntime } = await import('./redis.js');
    return openFleetRuntime({ ...options, storageUrl }, registry);
  }
  const { openLocalRuntime } = await import('./local.js');
  return openLocalRuntime({ ...options, storageUrl }, registry);
}

/** Runs `fn` at most once per `ttlMs`, sharing the answer; nvidia-smi is not free. */
export function cached<T>(fn: () => Promise<T>, ttlMs: number): () => Promise<T> {
  let at = 0;
  let value: Promise<T> | undefined;
  return () => {
    if (!value || Date.now() - at > ttlMs) {
      at = Date.now();
      value = fn();
    }
    return value;
  };
}
