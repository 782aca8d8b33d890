import { FramefleetError, show } from '../../errors.js';
import type { LocalJob } from './local-job.js';

/** How long a remove waits for a cancelled job's tasks to stop (ffmpeg's SIGTERM-to-SIGKILL grace is 3 s). */
const REMOVE_WAIT_MS = 10_000;

/**
 * Resolves true once none of a job's tasks runs (a cancelled job's ffmpeg processes get SIGTERM,
 * then SIGKILL after a grace period), or false when `ms` passes first (undefined: no limit).
 */
export function tasksStopped(job: LocalJob, ms?: number): Promise<boolean> {
  if (job.running.size === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(() => resolve(false), ms);
    job.waiters.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Returns once a job can be removed: refused (CONFLICT) while it runs; a job just cancelled, whose
 * tasks are still stopping, is waited for up to `waitMs` (then refused with a Retry-After).
 */
export async function untilRemovable(job: LocalJob, waitMs = REMOVE_WAIT_MS): Promise<void> {
  const id = show(job.id);
  if (job.active) {
    throw new FramefleetError('CONFLICT', `job ${id} is ${job.record.state}; cancel it before removing it`);
  }
  if ((await tasksStopped(job, waitMs)) && !job.active) return;
  throw new FramefleetError(
    'CONFLICT',
    job.active
      ? `job ${id} is ${job.record.state} again; cancel it before removing it`
      : `job ${id} is still stopping its tasks after the ${job.record.state === 'cancelled' ? 'cancel' : 'run'}; try again in a moment`,
    { details: job.active ? undefined : { retryAfterSeconds: 2 } },
  );
}
