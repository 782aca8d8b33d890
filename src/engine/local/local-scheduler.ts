import { toFramefleetError, type FramefleetError } from '../../errors.js';
import type { PathPolicy } from '../../storage/path-policy.js';
import type { Storage } from '../../storage/types.js';
import type { DeviceClass } from '../capabilities.js';
import type { Emitter } from '../emitter.js';
import { failureFrom, isoTime, jobFps, jobProgress, taskEventOf } from '../job-record.js';
import { endRun, withRun } from '../lifecycle.js';
import type { PipelineRegistry } from '../registry.js';
import { describeRequirements, feature, queueFor } from '../routing.js';
import { backoffMs, runAttempt } from '../run-task.js';
import {
  TERMINAL_STATES,
  type FleetCapabilities,
  type JobEvent,
  type Logger,
  type PoolStats,
  type Requirements,
  type TaskRecord,
  type TaskSpec,
} from '../types.js';
import type { LocalJob } from './local-job.js';
import type { LocalStates } from './local-states.js';
import { SlotPool } from './slot-pool.js';

export interface SchedulerDeps {
  registry: PipelineRegistry;
  storage: Storage;
  log: Logger;
  workerId: string;
  slots: Partial<Record<DeviceClass, number>>;
  capabilities: () => Promise<FleetCapabilities>;
  scratchRoot: string;
  paths: PathPolicy | undefined;
  maxAttempts: number;
  backoffBaseMs: number;
  clock: () => Date;
  events: Emitter<JobEvent>;
  states: LocalStates;
  /** The root task of a job is done: its result stands, its intermediates may go. */
  rootDone(job: LocalJob): Promise<void>;
  jobs(): Iterable<LocalJob>;
}

const HOUR_MS = 3_600_000;

/** Runs the ready tasks of the jobs this process drives, on slots per device class. */
export class LocalScheduler {
  private readonly pool: SlotPool;
  private pumpTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private caps: FleetCapabilities | undefined;
  /** Finish times of the last hour's tasks per pool, for the stats. */
  private readonly finished = new Map<string, { done: number[]; failed: number[] }>();

  constructor(private readonly deps: SchedulerDeps) {
    this.pool = new SlotPool(deps.slots);
  }

  close(): void {
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
  }

  /** Starts every ready task that has a free slot, highest priority job first. */
  pump(): void {
    if (this.closed) return;
    if (!this.caps) {
      // Known by the time a job has been planned: asked once, never for a process that plans nothing.
      void this.deps.capabilities().then((caps) => {
        this.caps = caps;
        this.pump();
      });
      return;
    }
    const now = this.deps.clock().getTime();
    let nextWake = Infinity;
    const running = [...this.deps.jobs()]
      .filter((j) => j.active && j.record.state === 'running' && j.graph)
      .sort(
        (a, b) => b.record.priority - a.record.priority || (a.record.createdAt < b.record.createdAt ? -1 : 1),
      );
    for (const job of running) {
      nextWake = Math.min(nextWake, job.nextWake());
      for (const task of job.ready(now)) {
        const device = task.requires.device ?? 'cpu';
        const missing = this.missing(task.requires);
        if (missing) {
          this.waitFor(job, `waiting for ${describeRequirements(missing)}`);
          continue;
        }
        const held = this.pool.held(device, task.slots);
        if (!this.pool.take(device, held)) continue;
        void this.runTask(job, task, device, held);
      }
    }
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (nextWake !== Infinity) this.pumpTimer = setTimeout(() => this.pump(), Math.max(0, nextWake - now));
  }

  /** What this machine lacks for a task (no slots of its device, a feature it does not offer). */
  private missing(requires: Requirements): Requirements | undefined {
    const caps = this.caps!;
    const device = requires.device ?? 'cpu';
    const have = new Set([
      ...caps.encoders.map((e) => feature('enc', e)),
      ...caps.hwaccels.map((h) => feature('hwaccel', h)),
      ...(caps.features ?? []),
    ]);
    const features = (requires.features ?? []).filter((f) => !have.has(f));
    const noDevice = (this.deps.slots[device] ?? 0) === 0 || !caps.devices.includes(device);
    if (!noDevice && features.length === 0) return undefined;
    return { ...(noDevice ? { device } : {}), ...(features.length ? { features } : {}) };
  }

  private async runTask(job: LocalJob, task: TaskSpec, device: string, held: number): Promise<void> {
    const record = job.records.get(task.id)!;
    const { workerId, clock, events } = this.deps;
    const started = isoTime(clock());
    Object.assign(
      record,
      withRun(
        { ...record, state: 'running', attempts: record.attempts + 1, worker: workerId },
        {
          attempt: record.attempts + 1,
          worker: workerId,
          pool: queueFor(task.requires),
          startedAt: started,
          finishedAt: undefined,
          outcome: 'running',
        },
      ),
      { startedAt: started, finishedAt: undefined },
    );
    job.running.add(task.id);
    if (job.record.waitingFor) job.record.waitingFor = undefined;
    events.emit(taskEventOf(job.id, record, workerId));
    this.deps.states.persist(job, true);
    const pipeline = this.deps.registry.get(job.record.type);
    const inputs = Object.fromEntries(task.dependsOn.map((d) => [d, job.records.get(d)?.output]));
    try {
      const { output, reused, expansion } = await runAttempt({
        pipeline,
        task,
        previousOutput: record.output,
        jobId: job.id,
        spec: job.record.spec,
        inputs,
        attempt: record.attempts,
        workerId,
        storage: this.deps.storage,
        signal: job.controller.signal,
        scratchRoot: this.deps.scratchRoot,
        log: this.deps.log,
        progress: (p) => this.onTaskProgress(job, record, p.fraction, p.fps),
        paths: this.deps.paths,
        inputStamps: job.manifest.inputs,
      });
      if (expansion) job.expand(task.id, expansion, clock().getTime());
      const at = isoTime(clock());
      Object.assign(record, { state: 'done', output, reused, progress: 1, fps: undefined, finishedAt: at });
      endRun(record, reused ? 'reused' : 'done', at);
      this.count(task, 'done');
      job.done(task.id, clock().getTime());
      events.emit(taskEventOf(job.id, record, workerId));
      if (task.id === job.graph!.rootTaskId) {
        await this.deps.rootDone(job);
        this.deps.states.finish(job, 'done', output);
      } else {
        this.publishProgress(job);
        this.deps.states.persist(job, true);
      }
    } catch (raw) {
      this.onTaskError(job, task, record, toFramefleetError(raw));
    } finally {
      job.running.delete(task.id);
      this.pool.give(device, held);
      if (job.running.size === 0 && (this.closed || TERMINAL_STATES.includes(job.record.state))) {
        this.deps.states.release(job);
      }
      this.pump();
    }
  }

  private onTaskError(job: LocalJob, task: TaskSpec, record: TaskRecord, error: FramefleetError): void {
    const { clock, events, log } = this.deps;
    const at = isoTime(clock());
    record.fps = undefined;
    record.finishedAt = at;
    if (job.controller.signal.aborted) {
      // Cancelled or shutting down: the job's state already says which.
      record.state = this.closed ? 'pending' : 'cancelled';
      endRun(record, this.closed ? 'handed-back' : 'cancelled', at);
      this.deps.states.persist(job, true);
      return;
    }
    const willRetry = !error.fatal && record.attempts < this.deps.maxAttempts;
    endRun(record, willRetry ? 'retry' : 'failed', at);
    this.count(task, 'failed');
    const failure = failureFrom(record, error, willRetry, this.deps.workerId, clock());
    job.record.failures.push(failure);
    events.emit({ type: 'failure', jobId: job.id, failure });
    log.warn({ jobId: job.id, task: record.id, code: error.code, willRetry }, error.message);
    if (willRetry) {
      record.state = 'pending';
      record.progress = 0;
      job.notBefore.set(record.id, clock().getTime() + backoffMs(record.attempts, this.deps.backoffBaseMs));
      events.emit({ type: 'task', jobId: job.id, taskId: record.id, kind: record.kind, state: 'pending' });
      this.deps.states.persist(job, true);
      return;
    }
    record.state = 'failed';
    events.emit({ type: 'task', jobId: job.id, taskId: record.id, kind: record.kind, state: 'failed' });
    this.deps.states.fail(job, error);
  }

  private waitFor(job: LocalJob, reason: string): void {
    if (job.record.waitingFor === reason) return;
    job.record.waitingFor = reason;
    this.deps.events.emit({ type: 'job', jobId: job.id, state: job.record.state, waitingFor: reason });
    this.deps.states.persist(job, true);
  }

  private onTaskProgress(job: LocalJob, record: TaskRecord, fraction: number, fps: number | undefined): void {
    record.progress = Math.max(0, Math.min(1, fraction));
    record.fps = fps;
    this.deps.events.emit({
      type: 'task-progress',
      jobId: job.id,
      taskId: record.id,
      progress: record.progress,
      fps,
    });
    this.publishProgress(job);
    this.deps.states.persist(job, false);
  }

  private publishProgress(job: LocalJob): void {
    const record = job.record;
    record.progress = jobProgress(record.tasks);
    this.deps.events.emit({
      type: 'progress',
      jobId: record.id,
      progress: record.progress,
      fps: jobFps(record.tasks),
      etaSec: job.eta.eta(record.progress),
    });
  }

  private count(task: TaskSpec, outcome: 'done' | 'failed'): void {
    const pool = queueFor(task.requires);
    const entry = this.finished.get(pool) ?? { done: [], failed: [] };
    this.finished.set(pool, entry);
    const times = entry[outcome];
    const now = this.deps.clock().getTime();
    times.push(now);
    while (times.length > 0 && times[0]! < now - HOUR_MS) times.shift();
  }

  /** Per-pool counts over the jobs this process drives. */
  poolStats(): PoolStats[] {
    const now = this.deps.clock().getTime();
    const pools = new Map<string, PoolStats>();
    const entry = (pool: string): PoolStats => {
      let stats = pools.get(pool);
      if (!stats) {
        const done = this.finished.get(pool);
        stats = {
          pool,
          waiting: 0,
          active: 0,
          delayed: 0,
          finishedLastHour: done?.done.filter((t) => t > now - HOUR_MS).length ?? 0,
          failedLastHour: done?.failed.filter((t) => t > now - HOUR_MS).length ?? 0,
          oldestWaitingSec: 0,
        };
        pools.set(pool, stats);
      }
      return stats;
    };
    for (const pool of this.finished.keys()) entry(pool);
    for (const job of this.deps.jobs()) {
      if (!job.active || !job.graph) continue;
      for (const id of job.running) entry(queueFor(job.task(id)!.requires)).active += 1;
      for (const [id, since] of job.readySince) {
        if (job.running.has(id) || job.records.get(id)?.state !== 'pending') continue;
        const stats = entry(queueFor(job.task(id)!.requires));
        if ((job.notBefore.get(id) ?? 0) > now) stats.delayed += 1;
        else {
          stats.waiting += 1;
          stats.oldestWaitingSec = Math.max(stats.oldestWaitingSec, (now - since) / 1000);
        }
      }
    }
    return [...pools.values()].sort((a, b) => (a.pool < b.pool ? -1 : 1));
  }
}
