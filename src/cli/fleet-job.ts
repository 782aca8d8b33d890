import type { Backend, JobRecord } from '../engine/types.js';
import type { Processors } from '../pipelines/transcode/index.js';
import { openRedisBackend } from '../runtime/redis.js';
import { cliLogger } from './cli-logger.js';
import { redisConnectTimeoutMs, configuredRetry } from './config-apply.js';
import type { OutputMode } from './common.js';
import { followJob } from './follow-job.js';
import { interruptible } from './interrupt.js';
import { ProgressPrinter } from './progress.js';

export interface FleetJobOptions {
  redisUrl: string;
  prefix: string;
  /** Storage every worker reaches: file:///shared/path or s3://bucket/prefix. */
  storageUrl: string;
  priority: number;
  /** Only enqueue and print the job id. */
  detach?: boolean;
  mode: OutputMode;
  verbose?: boolean;
  /** Configured processors: names checked at submit. */
  processors?: Processors;
}

/**
 * Runs one job on the fleet (Redis): submits it and follows it to its end, or only enqueues it with
 * `detach` (then resolves undefined after printing the id). Ctrl-C stops following, never the job.
 */
export async function runFleetJob(
  start: (backend: Backend, priority: number) => Promise<JobRecord>,
  options: FleetJobOptions,
): Promise<JobRecord | undefined> {
  // `--json` says on stderr what `-q` says; a failure's NDJSON event on stdout shows it already.
  const log = cliLogger({
    quiet: options.mode === 'quiet' || options.mode === 'json',
    verbose: options.verbose,
    failuresShown: options.mode === 'json',
  });
  const fleet = await openRedisBackend({
    redisUrl: options.redisUrl,
    connectTimeoutMs: redisConnectTimeoutMs(),
    retry: configuredRetry(),
    prefix: options.prefix,
    storageUrl: options.storageUrl,
    log,
    processors: options.processors,
  });
  const { backend } = fleet;
  if (options.detach) {
    const submitted = await start(backend, options.priority);
    process.stdout.write(
      options.mode === 'json'
        ? `${JSON.stringify({ type: 'submitted', jobId: submitted.id, state: submitted.state })}\n`
        : `${submitted.id}\n`,
    );
    await fleet.close();
    return undefined;
  }
  let jobId = '';
  const printer = new ProgressPrinter(options.mode);
  const job = await interruptible(
    () =>
      followJob(
        backend,
        () => start(backend, options.priority),
        printer,
        (id) => (jobId = id),
      ),
    {
      // The job belongs to the fleet: this command only stops following it.
      stop: () => fleet.close(),
      hint: () => (jobId ? `detached; job ${jobId} keeps running on the fleet` : 'nothing was submitted'),
    },
  );
  printer.finish(job);
  await fleet.close();
  return job;
}
