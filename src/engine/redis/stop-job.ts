import { UnrecoverableError } from 'bullmq';
import type { FramefleetError } from '../../errors.js';
import { isoTime, jobErrorOf } from '../job-record.js';
import { queueFor } from '../routing.js';
import type { FleetContext } from './fleet-context.js';
import { withPending } from './job-store.js';
import { bullJobId, CONTROL_QUEUE } from './keys.js';

/**
 * Stops what is left of one run of a job (it was cancelled or failed for good): running tasks are
 * told to abort over pub/sub, queued BullMQ jobs of the run are removed (a locked, running one is
 * left to its abort), and unfinished task records say cancelled. Tasks whose dependencies never
 * finished were never queued, so nothing waits forever.
 */
export async function stopJob(ctx: FleetContext, jobId: string, run: number): Promise<void> {
  await ctx.redis.publish(ctx.keys.cancels, jobId);
  const graph = await ctx.graphs.graph(jobId);
  const records = withPending(graph, await ctx.store.tasks(jobId));
  const unfinished = new Set(records.filter((r) => r.state !== 'done').map((r) => r.id));
  const targets: [string, string][] = [[CONTROL_QUEUE, bullJobId(jobId, run, 'plan')]];
  for (const task of graph?.tasks ?? []) {
    if (unfinished.has(task.id)) targets.push([queueFor(task.requires), bullJobId(jobId, run, task.id)]);
  }
  await Promise.all(
    targets.map(([queue, id]) =>
      ctx.queues
        .get(queue)
        .remove(id)
        .catch(() => 0),
    ),
  );
  const now = isoTime(ctx.clock());
  await Promise.all(
    records
      .filter((r) => r.state === 'pending' || r.state === 'queued')
      .map((r) => ctx.store.putTask(jobId, run, { ...r, state: 'cancelled', finishedAt: now })),
  );
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
    await stopJob(ctx, jobId, run);
  }
  return new UnrecoverableError(`${error.code}: ${error.message}`);
}
