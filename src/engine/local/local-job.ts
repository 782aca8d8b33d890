import { effectiveGraph, applyExpansion, dependantsOf, samePlanned, unchangedTasks } from '../graph.js';
import { taskRecordFor } from '../job-record.js';
import { EtaClock } from '../lifecycle.js';
import { jobAbortController } from '../run-task.js';
import type { Expansion, JobRecord, JobState, TaskGraph, TaskRecord, TaskSpec } from '../types.js';
import type { Manifest } from './manifest.js';

/** How the run before this one of a stored job went (LocalJob.runUnder). */
export interface LastRun {
  /** Another build of framefleet ran it (LocalJob.ranUnderOtherBuild). */
  rebuilt: boolean;
  /** The job's state when this run was asked for. */
  lastState: JobState;
  /** Tasks that had failed for good. */
  failed: number;
  /** Planned again (or never planned before) exactly as the stored plan. */
  samePlan: boolean;
}

/** How a job ended under the build before, by its state then (any other: it was interrupted). */
const WAS: Partial<Record<JobState, string>> = {
  failed: 'failed',
  cancelled: 'was cancelled',
  done: 'was done (its output no longer verifies)',
};

/**
 * One job as the local backend holds it: its manifest, its records by task, and the readiness of its
 * tasks in this run (how many dependencies each still waits for, and which are ready to start).
 */
export class LocalJob {
  graph: TaskGraph | undefined;
  records = new Map<string, TaskRecord>();
  controller = jobAbortController();
  readonly running = new Set<string>();
  /** Tasks that failed an attempt wait until then before they start again. */
  readonly notBefore = new Map<string, number>();
  waiters: ((job: JobRecord) => void)[] = [];
  writing: Promise<void> = Promise.resolve();
  lastWrite = 0;
  readonly eta = new EtaClock();
  /** True while this process drives the job (a manifest saying 'running' may be a dead process'). */
  active = false;
  /** When each ready task became ready (for the age of the oldest waiting task). */
  readonly readySince = new Map<string, number>();
  private unmet = new Map<string, number>();
  private dependants = new Map<string, string[]>();
  private byId = new Map<string, TaskSpec>();

  constructor(readonly manifest: Manifest) {
    this.setGraph(manifest.graph && effectiveGraph(manifest.graph, manifest.expansions));
    this.records = new Map(manifest.job.tasks.map((t) => [t.id, t]));
  }

  get record(): JobRecord {
    return this.manifest.job;
  }

  get id(): string {
    return this.manifest.job.id;
  }

  task(id: string): TaskSpec | undefined {
    return this.byId.get(id);
  }

  /** A newly planned graph (by the code `plannedBy` names): every task gets a pending record. */
  planned(graph: TaskGraph, plannedBy?: string): void {
    this.manifest.graph = graph;
    this.manifest.plannedBy = plannedBy;
    this.manifest.expansions = [];
    this.setGraph(graph);
    this.record.tasks = graph.tasks.map(taskRecordFor);
    this.records = new Map(this.record.tasks.map((t) => [t.id, t]));
    this.record.warnings = graph.warnings;
  }

  /**
   * A fresh plan of a job that has one stored: true where it is the same (the stored graph, grown
   * by its expansions, stays). Otherwise it replaces it, and only the tasks planned exactly as
   * before keep their records (an output is still re-verified before reuse), not those that grew
   * the job (they run again to grow the new plan).
   */
  replanned(graph: TaskGraph, plannedBy?: string): boolean {
    if (samePlanned(this.manifest.graph, graph)) {
      this.manifest.plannedBy = plannedBy;
      return true;
    }
    const same = unchangedTasks(
      this.manifest.graph,
      graph,
      this.manifest.expansions.map((e) => e.by),
    );
    const kept = new Map(this.records);
    this.planned(graph, plannedBy);
    this.record.tasks = graph.tasks.map((t) => (same.has(t.id) && kept.get(t.id)) || taskRecordFor(t));
    this.records = new Map(this.record.tasks.map((t) => [t.id, t]));
    return false;
  }

  /** Whether another build of framefleet than `build` ran this job last (one that recorded none counts). */
  ranUnderOtherBuild(build: string | undefined): boolean {
    return build !== undefined && this.manifest.build !== build;
  }

  /** The tasks whose last run failed for good (they run again when the job runs again). */
  failedTasks(): number {
    return this.record.tasks.filter((t) => t.state === 'failed').length;
  }

  /**
   * Readies a stored job for a run under `build`, which it records, and returns the line to say when
   * the run differs from the last: after another build, every task not done gets a full retry
   * budget (the attempts the old build spent say nothing of this one's) and the line says so; after
   * a plan that changed, that it was planned again.
   */
  runUnder(build: string | undefined, last: LastRun): string | undefined {
    const previous = this.manifest.build;
    this.manifest.build = build;
    if (!last.rebuilt) {
      return last.samePlan
        ? undefined
        : `job ${this.id} was planned by another version or with other settings: planned again, reusing what matches`;
    }
    for (const task of this.record.tasks) if (task.state !== 'done') task.attempts = 0;
    const was = WAS[last.lastState] ?? 'was left unfinished';
    const redo = last.failed
      ? `${last.failed === 1 ? 'its failed task runs' : `its ${last.failed} failed tasks run`} again`
      : 'it runs on';
    return (
      `job ${this.id} ${was} under another build of framefleet (${previous ?? 'not recorded'}; this is ${build}): ` +
      `${last.samePlan ? '' : 'planned again, '}${redo} with fresh retries, reusing the outputs that re-verify`
    );
  }

  /** A run begins: kept for `jobs show` (how long the last run took, and how many there were). */
  beganRun(at: Date): void {
    this.manifest.runStartedAt = at.toISOString();
    if (this.manifest.runs !== undefined) this.manifest.runs += 1;
  }

  /** The start of a run: nothing has run yet, so each task waits for all its dependencies. */
  startRun(now: number): void {
    this.unmet = new Map();
    this.readySince.clear();
    for (const task of this.graph?.tasks ?? []) {
      if (task.dependsOn.length > 0) this.unmet.set(task.id, task.dependsOn.length);
      else this.readySince.set(task.id, now);
    }
  }

  /** Tasks ready to start now, highest priority first. */
  ready(now: number): TaskSpec[] {
    const out: TaskSpec[] = [];
    for (const id of this.readySince.keys()) {
      if (this.running.has(id) || (this.notBefore.get(id) ?? 0) > now) continue;
      if (this.records.get(id)?.state === 'pending') out.push(this.byId.get(id)!);
    }
    return out.sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  }

  /** The earliest time a task held back by its retry backoff may start. */
  nextWake(): number {
    let wake = Infinity;
    for (const id of this.readySince.keys()) wake = Math.min(wake, this.notBefore.get(id) ?? Infinity);
    return wake;
  }

  /** A task finished: its dependants each wait for one fewer, and those waiting for none are ready. */
  done(taskId: string, now: number): void {
    this.readySince.delete(taskId);
    for (const next of this.dependants.get(taskId) ?? []) {
      const left = (this.unmet.get(next) ?? 1) - 1;
      if (left > 0) {
        this.unmet.set(next, left);
      } else {
        this.unmet.delete(next);
        this.readySince.set(next, now);
      }
    }
  }

  /**
   * Applies an expansion made by `by` unless `by` made one already (a re-run adds nothing twice);
   * new tasks get pending records and wait for their unfinished dependencies. Throws for an invalid one.
   */
  expand(by: string, expansion: Expansion, now: number): void {
    if (!this.graph || this.manifest.expansions.some((e) => e.by === by)) return;
    const graph = applyExpansion(this.graph, by, expansion);
    this.manifest.expansions.push({ by, ...expansion });
    this.setGraph(graph);
    for (const task of expansion.tasks) {
      const record = taskRecordFor(task);
      this.record.tasks.push(record);
      this.records.set(task.id, record);
      // `by` counts as done: it is finishing now, and its own done() follows.
      const left = task.dependsOn.filter((d) => d !== by && this.records.get(d)?.state !== 'done').length;
      const waitsForBy = task.dependsOn.includes(by) ? 1 : 0;
      if (left + waitsForBy > 0) this.unmet.set(task.id, left + waitsForBy);
      else this.readySince.set(task.id, now);
    }
  }

  private setGraph(graph: TaskGraph | undefined): void {
    this.graph = graph;
    this.byId = new Map((graph?.tasks ?? []).map((t) => [t.id, t]));
    this.dependants = dependantsOf(graph?.tasks ?? []);
  }
}
