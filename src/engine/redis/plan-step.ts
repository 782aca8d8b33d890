import { isDeepStrictEqual } from 'node:util';
import { toFramefleetError } from '../../errors.js';
import { unchangedTasks } from '../graph.js';
import { stampInputs } from '../input-stamps.js';
import { planJob, resetForRun, rootStillValid, scratchPrefix } from '../lifecycle.js';
import { feature, waitingFor } from '../routing.js';
import type { TaskGraph, TaskRecord } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { isTerminal } from './job-store.js';
import type { TaskJobData } from './keys.js';

export type PlanOutcome = 'planned' | 'done' | 'wait' | 'stale';

/**
 * The first step of a run, on the control queue: plan (probe the input) unless an earlier run left
 * a graph, finish at once when the recorded result still verifies, else arm the run's readiness and
 * queue the tasks that need nothing. 'wait' means no live worker can run the encoder the job needs
 * yet: try again later.
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
  let graph = await ctx.graphs.graph(jobId);
  let records: TaskRecord[] = [];
  if (!graph) {
    await ctx.store.setState(jobId, 'planning', {}, { run });
    // Taken before the plan reads them: a retry runs the stored plan only on these same files.
    const roots = await ctx.paths?.rootsFor(jobId);
    const inputs = await stampInputs(pipeline.inputFiles?.(header.spec) ?? [], roots?.input);
    const planned = await planOrWait(ctx, header, jobId, run, signal);
    if (planned === 'wait') return 'wait';
    // Stored only while this run is current: a job cancelled while it planned keeps no plan of it.
    if (!(await ctx.graphs.plan(jobId, planned, pipeline.planner, { run, inputs }))) return 'stale';
    graph = planned;
  } else {
    const stored = await ctx.store.tasks(jobId);
    const root = stored.find((r) => r.id === graph!.rootTaskId);
    if (
      await rootStillValid(pipeline, graph, root, { storage: ctx.storage, signal, jobId, paths: ctx.paths })
    ) {
      return finishReused(ctx, jobId, run, stored, root!.output);
    }
    // Everything runs again, but a recorded output is reused once it re-verifies.
    records = stored.map(resetForRun);
    // A plan stored by other code (an upgrade) runs as this code plans it: its tasks' arguments
    // may be what the upgrade fixed. What is planned the same keeps its records.
    const before = await ctx.graphs.stored(jobId);
    if (before && before.plannedBy !== pipeline.planner) {
      const next = await planOrWait(ctx, header, jobId, run, signal);
      if (next === 'wait') return 'wait';
      // Planning took a while: a job cancelled or run again meanwhile keeps its records and plan
      // (checked again, atomically, where the new plan is stored).
      if (!(await stillCurrent(ctx, jobId, run))) return 'stale';
      if (isDeepStrictEqual(before.planned, next)) {
        await ctx.graphs.confirm(jobId, pipeline.planner);
      } else {
        const same = unchangedTasks(before.planned, next, before.expandedBy);
        const drop = stored.filter((r) => !same.has(r.id)).map((r) => r.id);
        if (!(await ctx.graphs.plan(jobId, next, pipeline.planner, { run, drop }))) return 'stale';
        graph = next;
        records = records.filter((r) => same.has(r.id));
        const why = `job ${jobId} was planned by another version or with other settings: planned again, reusing what matches`;
        ctx.log.warn({ jobId }, why);
      }
    }
  }
  if (!(await stillCurrent(ctx, jobId, run))) return 'stale';
  const ready = await ctx.store.arm(jobId, run, graph, records);
  const reason = waitingFor(
    graph.tasks.map((t) => t.requires),
    await liveCapabilities(ctx),
  );
  await ctx.store.setState(jobId, 'running', { waitingFor: reason }, { run });
  await ctx.enqueuer.add(jobId, run, header.priority, tasksById(graph, ready));
  return 'planned';
}

/** The job planned by this code, or 'wait' (and the job waiting) while no live worker has the encoder it needs. */
async function planOrWait(
  ctx: FleetContext,
  header: { type: string; spec: unknown },
  jobId: string,
  run: number,
  signal: AbortSignal,
): Promise<TaskGraph | 'wait'> {
  try {
    return await planJob(ctx.registry.get(header.type), header.spec, {
      jobId,
      scratchPrefix: scratchPrefix(jobId),
      storage: ctx.storage,
      signal,
      log: ctx.log,
      capabilities: await ctx.nodes.fleetCapabilities(),
      paths: ctx.paths,
    });
  } catch (raw) {
    const error = toFramefleetError(raw);
    const encoder = error.code === 'ENCODER_UNAVAILABLE' ? error.details?.encoder : undefined;
    if (typeof encoder !== 'string') throw raw;
    const live = await liveCapabilities(ctx);
    const reason = waitingFor([{ features: [feature('enc', encoder)] }], live);
    await ctx.store.setState(jobId, 'waiting', { waitingFor: reason }, { run });
    return 'wait';
  }
}

/** Whether `run` is still the job's run and the job not finished (cancelled, failed, done). */
async function stillCurrent(ctx: FleetContext, jobId: string, run: number): Promise<boolean> {
  const current = await ctx.store.header(jobId);
  return current !== undefined && current.run === run && !isTerminal(current.state);
}

async function liveCapabilities(ctx: FleetContext) {
  return (await ctx.nodes.live()).filter((n) => !n.draining).map((n) => n.capabilities);
}

export function tasksById(graph: TaskGraph, ids: readonly string[]) {
  const wanted = new Set(ids);
  return graph.tasks.filter((t) => wanted.has(t.id));
}

/** A finished job whose result still verifies: every done task counts as reused, the job is done. */
async function finishReused(
  ctx: FleetContext,
  jobId: string,
  run: number,
  stored: TaskRecord[],
  result: unknown,
): Promise<'done'> {
  const pipeline = ctx.redis.multi();
  for (const record of stored) {
    record.reused = record.state === 'done';
    pipeline.hset(ctx.keys.tasks(jobId), record.id, JSON.stringify(record));
  }
  await pipeline.exec();
  await ctx.store.setState(jobId, 'done', { result, waitingFor: undefined }, { run });
  return 'done';
}
