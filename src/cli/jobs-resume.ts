import { availableParallelism } from 'node:os';
import type { JobRecord } from '../engine/types.js';
import { checkOutputTarget } from '../storage/output-target.js';
import { outputMode } from './common.js';
import { jobFailure, reportTranscode } from './job-report.js';
import type { ResumeFlags } from './jobs.js';
import { runLocalJob } from './local-job.js';
import { processorsOf } from '../runtime/processors.js';
import { currentConfig } from './config-apply.js';

/**
 * Runs an unfinished (or failed, or cancelled) job of the data dir to the end, and only that job
 * (a done one never gets here: `jobs resume` says it is done).
 */
export async function resumeCommand(record: JobRecord, dataDir: string, flags: ResumeFlags): Promise<void> {
  const spec = record.spec as { input?: unknown; output?: unknown; overwrite?: unknown };
  const overwriteHint = `job ${record.id} was started without -y, so move it away first`;
  if (typeof spec.output === 'string') {
    // An output that appeared since the job began is refused before any work, as on the first run.
    const inputs = typeof spec.input === 'string' ? [spec.input] : [];
    await checkOutputTarget(spec.output, inputs, { overwrite: spec.overwrite === true, overwriteHint });
  }
  const started = Date.now();
  const job = await runLocalJob((backend) => backend.submit(record.type, record.spec, { jobId: record.id }), {
    dataDir,
    cpuSlots: flags.workers ?? availableParallelism(),
    gpuSlots: flags.gpuSlots,
    mode: outputMode(flags),
    verbose: flags.verbose,
    // A processed job needs the processors it names (from FRAMEFLEET_CONFIG or ./framefleet.yaml).
    processors: record.type === 'transcode' ? processorsOf(currentConfig()) : undefined,
  });
  if (job.type === 'transcode') return reportTranscode(job, started, { ...flags, overwriteHint });
  if (job.state !== 'done') throw jobFailure(job, overwriteHint);
  process.stdout.write(
    flags.json
      ? `${JSON.stringify({ type: 'result', jobId: job.id, state: job.state, result: job.result })}\n`
      : `job ${job.id} done\n`,
  );
}
