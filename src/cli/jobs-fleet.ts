import { FramefleetError, show } from '../errors.js';
import type { RedisBackend } from '../engine/redis/redis-backend.js';
import type { JobRecord } from '../engine/types.js';
import type { Storage } from '../storage/types.js';
import { redisConnectTimeoutMs } from './config-apply.js';
import { jobsNamed } from './jobs-data.js';

/** `jobs list|show|cancel|retry --redis URL`: the fleet's jobs instead of the local data dir's. */
export interface FleetJobsFlags {
  redis?: string;
  prefix: string;
  dataDir?: string;
}

/** The most jobs `jobs list --redis` shows, newest first. */
export const FLEET_LIST_LIMIT = 500;

/**
 * Runs `work` against the fleet's job records: a backend that reads and changes jobs but never
 * reaches the workers' storage (list, show, cancel, retry need none).
 */
export async function withFleetJobs<T>(
  flags: FleetJobsFlags,
  work: (backend: RedisBackend) => Promise<T>,
): Promise<T> {
  if (flags.dataDir !== undefined) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `--data-dir ${show(flags.dataDir)} and --redis: a job is either the embedded engine's (in a data dir) or the fleet's (in Redis); give one`,
    );
  }
  // Loaded here: the local `jobs` commands do not pay for a Redis client.
  const [{ openRedis }, { RedisBackend }, { PipelineRegistry }, { allPipelines }, { silentLogger }] =
    await Promise.all([
      import('../engine/redis/connection.js'),
      import('../engine/redis/redis-backend.js'),
      import('../engine/registry.js'),
      import('../pipelines/job-types.js'),
      import('../logger.js'),
    ]);
  const redis = await openRedis(flags.redis!, redisConnectTimeoutMs());
  const backend = await RedisBackend.open({
    redis,
    prefix: flags.prefix,
    registry: new PipelineRegistry(allPipelines()),
    storage: NO_STORAGE,
    log: silentLogger,
  }).catch(async (error: unknown) => {
    await redis.quit().catch(() => undefined);
    throw error;
  });
  try {
    return await work(backend);
  } finally {
    await backend.close();
    await redis.quit().catch(() => undefined);
  }
}

/** A storage these commands never touch: a call is a bug, said as one. */
const NO_STORAGE = new Proxy({} as Storage, {
  get: (_target, name) => () => {
    throw new Error(`jobs --redis reached the fleet's storage (${String(name)})`);
  },
});

/** The fleet's job `id`: exact, or the start of the id or of its hash, as for local jobs. */
export async function fleetJob(backend: RedisBackend, id: string, prefix: string): Promise<JobRecord> {
  if (id.trim() === '') {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `job id ${show(id)} is empty: \`framefleet jobs list --redis URL\` shows the ids`,
    );
  }
  const exact = await backend.get(id);
  if (exact) return exact;
  const { jobs } = await backend.list({ limit: FLEET_LIST_LIMIT });
  const matches = jobsNamed(jobs, (j) => j, id);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `job id ${show(id)} is ambiguous: ${matches.map((j) => j.id).join(', ')}`,
    );
  }
  throw new FramefleetError(
    'NOT_FOUND',
    `no job ${show(id)} on the fleet (key prefix ${show(prefix)}): \`framefleet jobs list --redis URL\` shows its jobs`,
  );
}
