import { isDeepStrictEqual } from 'node:util';
import { FramefleetError, show } from '../errors.js';
import type { Expansion, TaskGraph, TaskSpec, TaskState } from './types.js';

/**
 * Job graphs, pure: validation, readiness and run-time expansion. Both backends run exactly the
 * graphs this module accepts.
 */

/** The most tasks one job may grow to; a planner or expansion past it is a bug or an abuse. */
export const MAX_TASKS_PER_JOB = 10_000;
/** The most tasks one expansion may add. */
export const MAX_TASKS_PER_EXPANSION = 2_000;
/** Task ids travel in queue job ids and Redis hash fields: short and plain. */
const TASK_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

/** An expansion as stored with its job: which task made it, and what it added. */
export interface StoredExpansion extends Expansion {
  by: string;
}

/**
 * Checks that a graph is a DAG the engine can run: unique plain ids, known dependencies, no cycle,
 * a root that (transitively) needs every other task, at most MAX_TASKS_PER_JOB tasks. Throws
 * INVALID_GRAPH naming the first problem. Pure.
 */
export function validateGraph(graph: TaskGraph): TaskGraph {
  const { tasks, rootTaskId } = graph;
  if (tasks.length === 0) throw bad('the graph has no tasks');
  if (tasks.length > MAX_TASKS_PER_JOB) {
    throw bad(`the graph has ${tasks.length} tasks, more than the limit of ${MAX_TASKS_PER_JOB}`);
  }
  const byId = new Map<string, TaskSpec>();
  for (const task of tasks) {
    if (!TASK_ID.test(task.id)) throw bad(`task id ${show(task.id)} is not a plain name`);
    if (byId.has(task.id)) throw bad(`task id ${show(task.id)} appears twice`);
    byId.set(task.id, task);
  }
  for (const task of tasks) {
    const seen = new Set<string>();
    for (const dep of task.dependsOn) {
      if (!byId.has(dep)) throw bad(`task ${show(task.id)} depends on unknown task ${show(dep)}`);
      if (dep === task.id || seen.has(dep)) throw bad(`task ${show(task.id)} lists ${show(dep)} wrongly`);
      seen.add(dep);
    }
  }
  if (!byId.has(rootTaskId)) throw bad(`root task ${show(rootTaskId)} is not in the graph`);
  const order = topologicalOrder(tasks);
  if (order.length !== tasks.length) {
    const stuck = tasks.find((t) => !order.includes(t))!;
    throw bad(`the graph has a cycle through task ${show(stuck.id)}`);
  }
  const needed = ancestorsOf(rootTaskId, byId);
  const stray = tasks.find((t) => t.id !== rootTaskId && !needed.has(t.id));
  if (stray) throw bad(`task ${show(stray.id)} is not needed by the root ${show(rootTaskId)}`);
  return graph;
}

/**
 * The graph after `by` added `expansion`: the new tasks appended, the root replaced if it names one.
 * Existing tasks never change. Throws INVALID_GRAPH for an expansion that breaks the rules. Pure.
 */
export function applyExpansion(graph: TaskGraph, by: string, expansion: Expansion): TaskGraph {
  if (!graph.tasks.some((t) => t.id === by)) throw bad(`expanding task ${show(by)} is not in the graph`);
  if (expansion.tasks.length > MAX_TASKS_PER_EXPANSION) {
    throw bad(
      `task ${show(by)} adds ${expansion.tasks.length} tasks, more than the limit of ${MAX_TASKS_PER_EXPANSION}`,
    );
  }
  const existing = new Set(graph.tasks.map((t) => t.id));
  const clash = expansion.tasks.find((t) => existing.has(t.id));
  if (clash) throw bad(`task ${show(by)} adds task ${show(clash.id)}, which exists already`);
  return validateGraph({
    ...graph,
    tasks: [...graph.tasks, ...expansion.tasks],
    rootTaskId: expansion.root ?? graph.rootTaskId,
  });
}

/** A base graph with its stored expansions applied in order. Pure. */
export function effectiveGraph(base: TaskGraph, expansions: readonly StoredExpansion[]): TaskGraph {
  return expansions.reduce((graph, e) => applyExpansion(graph, e.by, e), base);
}

/** Tasks that have not started and whose dependencies are all done, highest priority first. Pure. */
export function readyTasks(graph: TaskGraph, stateOf: (taskId: string) => TaskState | undefined): TaskSpec[] {
  return graph.tasks
    .filter(
      (t) => (stateOf(t.id) ?? 'pending') === 'pending' && t.dependsOn.every((d) => stateOf(d) === 'done'),
    )
    .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
}

/** For each task, the tasks that depend on it. Pure. */
export function dependantsOf(tasks: readonly TaskSpec[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const task of tasks) {
    for (const dep of task.dependsOn) {
      const list = out.get(dep);
      if (list) list.push(task.id);
      else out.set(dep, [task.id]);
    }
  }
  return out;
}

/** Tasks in an order where each comes after its dependencies (Kahn); a cycle leaves tasks out. */
export function topologicalOrder(tasks: readonly TaskSpec[]): TaskSpec[] {
  const remaining = new Map(tasks.map((t) => [t.id, t.dependsOn.length]));
  const dependants = dependantsOf(tasks);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const queue = tasks.filter((t) => t.dependsOn.length === 0);
  const order: TaskSpec[] = [];
  for (let i = 0; i < queue.length; i++) {
    const task = queue[i]!;
    order.push(task);
    for (const next of dependants.get(task.id) ?? []) {
      const left = remaining.get(next)! - 1;
      remaining.set(next, left);
      if (left === 0) queue.push(byId.get(next)!);
    }
  }
  return order;
}

function ancestorsOf(taskId: string, byId: ReadonlyMap<string, TaskSpec>): Set<string> {
  const seen = new Set<string>();
  const stack = [taskId];
  while (stack.length > 0) {
    for (const dep of byId.get(stack.pop()!)?.dependsOn ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        stack.push(dep);
      }
    }
  }
  return seen;
}

function bad(message: string): FramefleetError {
  return new FramefleetError('INVALID_GRAPH', `invalid task graph: ${message}`);
}

/**
 * The tasks of a fresh plan that an earlier plan of the same job (`before`, as planned, without
 * expansions) had exactly so, as had everything they depend on: their records may be kept. A task
 * that grew the job (in `expandedBy`) is not among them: its expansion is gone with the old plan,
 * and it must run again to make it. Pure.
 */
export function unchangedTasks(
  before: TaskGraph | undefined,
  next: TaskGraph,
  expandedBy: Iterable<string> = [],
): Set<string> {
  const old = new Map((before?.tasks ?? []).map((t) => [t.id, t]));
  const grew = new Set(expandedBy);
  const same = new Set(
    next.tasks.filter((t) => !grew.has(t.id) && samePlanned(old.get(t.id), t)).map((t) => t.id),
  );
  for (let changed = true; changed;) {
    changed = false;
    for (const t of next.tasks) {
      if (same.has(t.id) && t.dependsOn.some((d) => !same.has(d))) changed = same.delete(t.id);
    }
  }
  return same;
}

/**
 * Whether two plans (or tasks) are the same as stored: a fresh plan holds fields set to undefined
 * that the stored one, read back from JSON, lacks. Pure.
 */
export function samePlanned(a: unknown, b: unknown): boolean {
  const stored = (v: unknown): unknown => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  return isDeepStrictEqual(stored(a), stored(b));
}
