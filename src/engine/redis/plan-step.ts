import { toFramefleetError } from '../../errors.js';
import type { TaskGraph, TaskRecord } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { flowTree, queuesOf } from './flow-tree.js';
import { isTerminal } from './job-store.js';
import type { TaskJobData } from './keys.js';
import { missingEncoder, waitingFor } from './waiting-for.js';

export type PlanOutcome = 'planned' | 'done' | 'wait' | 'stale';

/**
 * The first step of a run, on the control queue: plan (probe the input) unless an earlier run left
 * a graph, finish at once when the recorded result still verifies, else add the fan-out as a flow.
 * 'wait' means no live worker can run the encoder the job needs yet: try again later.
 */
export async function planStep(
  ctx: FleetContext,
  data: TaskJobData,
  signal: AbortSignal,
): Promise<PlanOutcome> {
  const { jobId, run } = data;
  const header = await ctx.store.header(jobId);
  if (!header || header.run !== run || isTerminal(header.state)) return 'stale';
  const pipeline = ctx.registry.get(header.type);
  let graph = await ctx.store.graph(jobId);
  let records: TaskRecord[];
  if (!graph) {
    await ctx.store.setState(jobId, 'planning', {}, { run });
    try {
      graph = await pipeline.plan(header.spec, {
        jobId,
        storage: ctx.storage,
        signal,
        log: ctx.log,
        capabilities: await ctx.nodes.fleetCapabilities(),
        paths: ctx.paths,
      });
    } catch (raw) {
      const encoder = missingEncoder(toFramefleetError(raw));
      if (!encoder) throw raw;
      const reason = `waiting for a worker with encoder ${encoder}`;
      await ctx.store.setState(jobId, 'waiting', { waitingFor: reason }, { run });
      return 'wait';
    }
    await ctx.store.setGraph(jobId, graph, run);
    // A new graph's tasks are all pending: they get records when they start (see withPending).
    records = [];
  } else {
    if (await rootStillValid(ctx, jobId, graph, signal)) return 'done';
    // Everything runs again, but a recorded output is reused once it re-verifies. Tasks without a
    // record are pending already.
    records = (await ctx.store.tasks(jobId)).map((record) => ({
      ...record,
      state: 'pending',
      progress: 0,
      fps: undefined,
      reused: false,
    }));
  }
  await ctx.store.putTasks(jobId, records);
  const queues = queuesOf(graph);
  await ctx.queues.announce(queues);
  const current = await ctx.store.header(jobId);
  if (!current || current.run !== run || isTerminal(current.state)) return 'stale';
  await ctx.queues.flow.add(
    flowTree(graph, {
      jobId,
      run,
      priority: header.priority,
      attempts: ctx.retry.attempts,
      backoffBaseMs: ctx.retry.backoffBaseMs,
    }),
  );
  const live = (await ctx.nodes.live()).filter((n) => !n.draining).map((n) => n.capabilities);
  const reason = waitingFor(
    graph.tasks.map((t) => t.requires),
    live,
  );
  await ctx.store.setState(jobId, 'running', { waitingFor: reason }, { run });
  return 'planned';
}

/** A finished job whose result still verifies needs nothing redone, even if intermediates are gone. */
async function rootStillValid(
  ctx: FleetContext,
  jobId: string,
  graph: TaskGraph,
  signal: AbortSignal,
): Promise<boolean> {
  const header = await ctx.store.header(jobId);
  const root = await ctx.store.task(jobId, graph.rootTaskId);
  const task = graph.tasks.find((t) => t.id === graph.rootTaskId);
  const verify = task && header && ctx.registry.get(header.type).verifiers?.[task.kind];
  if (!root || root.state !== 'done' || root.output === undefined || !verify) return false;
  const ok = await verify(task.payload, root.output, {
    storage: ctx.storage,
    signal,
    jobId,
    paths: ctx.paths,
  }).catch(() => false);
  if (!ok) return false;
  const records = await ctx.store.tasks(jobId);
  for (const record of records) record.reused = record.state === 'done';
  await ctx.store.putTasks(jobId, records);
  await ctx.store.setState(
    jobId,
    'done',
    { result: root.output, waitingFor: undefined },
    { run: header.run },
  );
  return true;
}
