import { toFramefleetError } from '../../errors.js';
import type { PathPolicy } from '../../storage/path-policy.js';
import type { Logger } from '../types.js';
import { checkInputs } from '../input-stamps.js';
import type { LocalJob } from './local-job.js';
import type { LocalStates } from './local-states.js';

/**
 * checkInputs on a stored job, confined to the input roots it may read now (a server's; none for
 * the CLI): what a retry asks before it runs the job again, so a refused one changes nothing.
 */
export async function checkStoredInputs(job: LocalJob, paths: PathPolicy | undefined): Promise<void> {
  const roots = await paths?.rootsFor(job.id);
  await checkInputs(job.manifest.inputs, job.id, roots?.input);
}

/**
 * Starts the jobs a killed process left unfinished, once the data dir is opened, except those whose
 * input is gone, changed or now outside the roots: they are failed with that error (recorded, and
 * a warning naming job and file), not left "running" with nothing running them, where neither a
 * client nor the retry route could tell. Failed, a retry (or `jobs resume`) runs one once the
 * original file is back, after the same check. Resolves when every job was checked.
 */
export async function resumeUnfinished(
  jobs: readonly LocalJob[],
  { paths, log }: { paths?: PathPolicy; log: Logger },
  states: LocalStates,
  start: (job: LocalJob) => void,
): Promise<void> {
  await Promise.all(
    jobs.map(async (job) => {
      try {
        await checkStoredInputs(job, paths);
      } catch (error) {
        const refused = toFramefleetError(error);
        log.warn({ jobId: job.id, code: refused.code }, `job ${job.id} not resumed: ${refused.message}`);
        // The process that ran its tasks is gone: none is left "running" in a failed job.
        for (const task of job.records.values()) if (task.state === 'running') task.state = 'pending';
        states.fail(job, refused);
        return;
      }
      start(job);
    }),
  );
}
