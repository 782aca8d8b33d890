import { queueNameFor } from '../../cluster/routing.js';
import { UnrecoverableError } from 'bullmq';
import type { FramefleetError } from '../../errors.js';
import { jobErrorOf } from '../job-record.js';
import type { TaskGraph } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { withPending } from './job-store.js';
import { bullJobId, CONTROL_QUEUE } from './keys.js';

const REMOVABLE = new Set(['waiting', 'wait', 'delayed', 'prioritized', 'waiting-children', 'paused']);

/**
 * Stops what is left of one run of a job (it was cancelled or failed for good): running tasks are
 * told to abort over pub/sub, pending BullMQ jobs are removed, and unfinished task records say
 * cancelled. A task that is mid-flight fails when aborted, which fails its parent in turn.
 */
export async function stopJob(
  ctx: FleetContext,
  jobId: string,
  run: number,
  graph: TaskGraph | undefined,
): Promise<void> {
  await ctx.redis.publish(ctx.keys.cancels, jobId);
  const targets: { queue: string; id: string }[] = [
    { queue: CONTROL_QUEUE, id: bullJobId(jobId, run, 'plan') },
  ];
  // Leaves first: a parent cannot be removed while a child of it is still there.
  const tasks = [...(graph?.tasks ?? [])].sort((a, b) => a.dependsOn.length - b.dependsOn.length);
  for (const task of tasks) {
    targets.push({ queue: queueNameFor(task.requires), id: bullJobId(jobId, run, task.id) });
  }
  for (const target of targets) {
    const job = await ctx.queues.get(target.queue).getJob(target.id);
    if (!job) continue;
    const state = await job.getState();
    if (REMOVABLE.has(state)) await job.remove().catch(() => undefined);
  }
  const records = withPending(graph, await ctx.store.tasks(jobId));
  const now = ctx.clock().toISOString();
  const stopped = records.filter((r) => r.state === 'pending' || r.state === 'queued');
  for (const record of stopped) {
    record.state = 'cancelled';
    record.finishedAt = now;
  }
  await ctx.store.putTasks(jobId, stopped);
}

/** Fails one run of a job for good and stops the rest of it; BullMQ gets an error it won't retry. */
export async function failRun(
  ctx: FleetContext,
  jobId: string,
  run: number,
  error: FramefleetError,
): Promise<UnrecoverableError> {
  if (
    await ctx.store.setState(jobId, 'failed', { error: jobErrorOf(error), waitingFor: undefined }, { run })
  ) {
    await stopJob(ctx, jobId, run, await ctx.store.graph(jobId));
  }
  return new UnrecoverableError(`${error.code}: ${error.message}`);
}
