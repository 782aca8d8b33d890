import { FramefleetError, show } from '../errors.js';
import type { RedisBackend } from '../engine/redis/redis-backend.js';
import { TERMINAL_STATES, type JobRecord } from '../engine/types.js';
import type { Storage } from '../storage/types.js';
import { redisConnectTimeoutMs } from './config-apply.js';
import { jobsNamed, type JobsFlags } from './jobs-data.js';
import { prefixDefault } from './redis-options.js';

/** `jobs list|show|cancel|retry --redis URL`: the fleet's jobs instead of the local data dir's. */
export interface FleetJobsFlags {
  redis?: string;
  prefix: string;
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
export async function fleetJob(backend: RedisBackend, id: string, flags: FleetJobsFlags): Promise<JobRecord> {
  const hint = hintOf(flags);
  if (id.trim() === '') {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `job id ${show(id)} is empty: \`framefleet jobs list ${hint}\` shows the ids`,
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
    `no job ${show(id)} on the fleet (key prefix ${show(flags.prefix)}): \`framefleet jobs list ${hint}\` shows its jobs`,
  );
}

/** A `jobs` command's flags: the local data dir's, or the fleet's with --redis. */
export type ListFlags = JobsFlags & Partial<FleetJobsFlags>;

export function fleetFlags(flags: ListFlags): FleetJobsFlags {
  return { redis: flags.redis, prefix: flags.prefix ?? prefixDefault() };
}

/**
 * How a hint names the fleet again: `--redis URL`, and the key prefix where it is not the default
 * (a hint copied without it looked under another prefix).
 */
export function hintOf(flags: ListFlags): string {
  const prefix = flags.prefix ?? prefixDefault();
  return prefix === prefixDefault() ? '--redis URL' : `--redis URL --prefix ${prefix}`;
}

/** A fleet job's state as `jobs` shows it: a running job that waits for a worker able to serve it is waiting. */
export function fleetState(job: JobRecord): string {
  return job.state === 'running' && job.waitingFor ? 'waiting' : job.state;
}

/** Without --redis: the embedded engine's jobs stop with their command and go on with a resume. */
function needsFleet(command: string, flags: ListFlags): FleetJobsFlags {
  if (flags.redis === undefined) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `jobs ${command} needs --redis: it acts on a fleet job; a job of this machine stops with its command (Ctrl-C) and goes on with \`framefleet jobs resume\``,
    );
  }
  return fleetFlags(flags);
}

export async function cancelCommand(id: string, flags: ListFlags): Promise<void> {
  const fleet = needsFleet('cancel', flags);
  const job = await withFleetJobs(fleet, async (b) => {
    const found = await fleetJob(b, id, fleet);
    if (TERMINAL_STATES.includes(found.state)) return { ...found, already: true };
    return { ...(await b.cancel(found.id))!, already: false };
  });
  const { already, ...record } = job;
  if (flags.json) return void process.stdout.write(`${JSON.stringify(record)}\n`);
  process.stdout.write(
    already ? `job ${job.id} is already ${job.state}: nothing to cancel\n` : `job ${job.id} cancelled\n`,
  );
}

export async function retryCommand(id: string, flags: ListFlags): Promise<void> {
  const fleet = needsFleet('retry', flags);
  const job = await withFleetJobs(fleet, async (b) => {
    const found = await fleetJob(b, id, fleet);
    if (found.state !== 'failed' && found.state !== 'cancelled') {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `job ${found.id} is ${found.state}: only a failed or cancelled job can be retried`,
      );
    }
    return (await b.retry(found.id))!;
  });
  if (flags.json) return void process.stdout.write(`${JSON.stringify(job)}\n`);
  process.stdout.write(
    `job ${job.id} queued again: \`framefleet jobs show ${job.id} ${hintOf(flags)}\` follows it\n`,
  );
}
