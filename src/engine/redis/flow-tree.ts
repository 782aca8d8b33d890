import type { FlowJob, FlowJobNode, JobsOptions } from 'bullmq';
import { queueNameFor } from '../../cluster/routing.js';
import { FramefleetError, show } from '../../errors.js';
import type { TaskGraph, TaskSpec } from '../types.js';
import { bullJobId, type TaskJobData } from './keys.js';

export interface FlowTreeOptions {
  jobId: string;
  run: number;
  /** framefleet priority: higher runs first. */
  priority: number;
  attempts: number;
  backoffBaseMs: number;
}

/** BullMQ's largest priority value; lower numbers run first there. */
const BULL_MAX_PRIORITY = 2_097_152;

/** framefleet priority (higher first, 0 default) -> BullMQ priority (1 first). Pure. */
export function bullPriority(priority: number): number {
  return Math.min(BULL_MAX_PRIORITY, Math.max(1, 1000 - Math.round(priority)));
}

/**
 * The task graph as a BullMQ flow: a task is the parent of the tasks it depends on, so the root
 * (the stitch) runs after all of them. A child that fails for good fails its parent
 * (failParentOnFailure), so no parent is left in waiting-children. Flows are trees: every task but
 * the root must be needed by exactly one other task. Pure.
 */
export function flowTree(graph: TaskGraph, options: FlowTreeOptions): FlowJob {
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const dependants = new Map<string, number>();
  for (const task of graph.tasks) {
    for (const dep of task.dependsOn) {
      if (!byId.has(dep)) {
        throw new FramefleetError('INTERNAL', `task ${show(task.id)} depends on unknown task ${show(dep)}`);
      }
      dependants.set(dep, (dependants.get(dep) ?? 0) + 1);
    }
  }
  for (const task of graph.tasks) {
    const count = dependants.get(task.id) ?? 0;
    const expected = task.id === graph.rootTaskId ? 0 : 1;
    if (count !== expected) {
      throw new FramefleetError(
        'INTERNAL',
        `task graph is not a tree: task ${show(task.id)} is needed by ${count} tasks, expected ${expected}`,
      );
    }
  }
  const root = byId.get(graph.rootTaskId);
  if (!root) throw new FramefleetError('INTERNAL', `root task ${show(graph.rootTaskId)} is not in the graph`);
  const node = (task: TaskSpec, isRoot: boolean): FlowJobNode => {
    const data: TaskJobData = { jobId: options.jobId, run: options.run, taskId: task.id };
    const opts: JobsOptions = {
      jobId: bullJobId(options.jobId, options.run, task.id),
      priority: bullPriority(options.priority),
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffBaseMs },
      removeOnComplete: { count: 2000 },
      removeOnFail: { count: 5000 },
      ...(isRoot ? {} : { failParentOnFailure: true }),
    };
    const children = task.dependsOn.map((dep) => node(byId.get(dep)!, false));
    const base = { name: task.kind, queueName: queueNameFor(task.requires), data, opts };
    return children.length > 0 ? { ...base, children } : base;
  };
  return node(root, true) as FlowJob;
}

/** Every queue name a graph's tasks go to. Pure. */
export function queuesOf(graph: TaskGraph): string[] {
  return [...new Set(graph.tasks.map((t) => queueNameFor(t.requires)))].sort();
}
