import { jobFps, jobProgress } from '../job-record.js';
import type { TaskRecord } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { withPending } from './job-store.js';
import type { PendingStart } from './start-recorder.js';

/** Job progress reads every task record: at most once a second per job and process. */
const JOB_PROGRESS_EVERY_MS = 1000;

/**
 * Publishes a task's progress (and, for a running task whose start is recorded, stores it), then the
 * job's weighted progress when this process has not published it within the last second.
 */
export async function reportProgress(
  ctx: FleetContext,
  jobId: string,
  run: number,
  record: TaskRecord,
  start: PendingStart | undefined,
): Promise<void> {
  if (record.state === 'running') {
    if (start?.written) await ctx.store.putTask(jobId, run, { ...record });
    await ctx.store.publish({
      type: 'task-progress',
      jobId,
      taskId: record.id,
      progress: record.progress,
      fps: record.fps,
    });
  }
  const now = Date.now();
  if (now - (ctx.progressAt.get(jobId) ?? 0) < JOB_PROGRESS_EVERY_MS) return;
  ctx.progressAt.set(jobId, now);
  const tasks = withPending(await ctx.graphs.graph(jobId), await ctx.store.tasks(jobId));
  // The backend that follows the job adds the ETA; workers see only their own tasks' rates.
  await ctx.store.publish({
    type: 'progress',
    jobId,
    progress: jobProgress(tasks),
    fps: jobFps(tasks),
    etaSec: undefined,
  });
}
