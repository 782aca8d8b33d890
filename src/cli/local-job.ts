import { removeJob } from './jobs-clean.js';
import type { LocalBackend } from '../engine/local/local-backend.js';
import { refusedBeforeWork } from '../engine/refused.js';
import type { JobRecord, Pipeline } from '../engine/types.js';
import type { Processors } from '../pipelines/transcode/index.js';
import { openLocalBackend } from '../runtime/local.js';
import { configuredRetry } from './config-apply.js';
import { cliLogger } from './cli-logger.js';
import type { OutputMode } from './common.js';
import { followJob } from './follow-job.js';
import { interruptible } from './interrupt.js';
import { ProgressPrinter } from './progress.js';

export interface LocalJobOptions {
  dataDir: string;
  cpuSlots: number;
  gpuSlots?: number;
  /** Encoders worth a smoke test for this job. */
  candidates?: readonly string[];
  /** The encoder the command named, if any: proven first and alone. */
  requested?: string;
  /** `cpuSlots` came from --workers: that many encodes at once. */
  fixedSlots?: boolean;
  keepIntermediates?: boolean;
  mode: OutputMode;
  verbose?: boolean;
  /** Configured processors `--process` may name. */
  processors?: Processors;
  /** The job type this command runs, when it is one (see LocalBackendOptions.pipelines). */
  pipelines?: readonly Pipeline[];
}

/**
 * Runs one job on the embedded engine in this process and returns it finished: only the job that
 * `start` names runs (other unfinished jobs in the data dir wait for their own command), Ctrl-C or
 * SIGTERM stops it resumably and exits 130 with the resume command, and an attempt refused before
 * it was planned leaves no job directory behind.
 */
export async function runLocalJob(
  start: (backend: LocalBackend) => Promise<JobRecord>,
  options: LocalJobOptions,
): Promise<JobRecord> {
  // `--json` keeps stdout for JSON and says on stderr what `-q` says: warnings and errors.
  const log = cliLogger({
    quiet: options.mode === 'quiet' || options.mode === 'json',
    verbose: options.verbose,
    clearLine: options.mode === 'tty',
    failuresShown: options.mode !== 'quiet',
  });
  const backend = await openLocalBackend({
    dataDir: options.dataDir,
    cpuSlots: options.cpuSlots,
    gpuSlots: options.gpuSlots,
    log,
    candidates: options.candidates,
    requested: options.requested,
    fixedSlots: options.fixedSlots,
    keepIntermediates: options.keepIntermediates,
    retry: configuredRetry(),
    processors: options.processors,
    pipelines: options.pipelines,
  });
  const printer = new ProgressPrinter(options.mode);
  let jobId = '';
  const job = await interruptible(
    () =>
      followJob(
        backend,
        () => start(backend),
        printer,
        (id) => (jobId = id),
      ),
    {
      // Running encodes are stopped (ffmpeg gets SIGTERM, then SIGKILL), finished segments stay.
      stop: () => backend.close(),
      hint: () =>
        jobId
          ? `verified segments are kept; resume with \`framefleet jobs resume ${jobId}\` or run the same command again`
          : 'no job was started',
    },
  );
  printer.finish(job);
  await backend.close();
  // Refused while planning (bad media, an output that appeared) or by its analysis (music with no
  // beats): nothing to resume, and a refused command leaves no job, nor its scratch folder.
  if (job.state === 'failed' && refusedBeforeWork(job, await pipelineOf(job.type, options.pipelines))) {
    await removeJob(options.dataDir, job.id);
  }
  return job;
}

async function pipelineOf(
  type: string,
  pipelines: readonly Pipeline[] | undefined,
): Promise<Pipeline | undefined> {
  const all = pipelines ?? (await import('../pipelines/job-types.js')).allPipelines();
  return all.find((p) => p.type === type);
}
