import { availableParallelism, hostname } from 'node:os';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FramefleetError, show, toFramefleetError } from '../../errors.js';
import type { Storage } from '../../storage/types.js';
import { Emitter } from '../emitter.js';
import {
  deterministicJobId,
  failureFrom,
  jobErrorOf,
  jobFps,
  jobProgress,
  newJobRecord,
  readyTasks,
  taskEventOf,
  taskRecordFor,
} from '../job-record.js';
import type { PipelineRegistry } from '../registry.js';
import { backoffMs, jobAbortController, runAttempt } from '../run-task.js';
import {
  TERMINAL_STATES,
  type Backend,
  type FleetCapabilities,
  type JobEvent,
  type JobRecord,
  type JobState,
  type ListFilter,
  type Logger,
  type SubmitOptions,
  type TaskRecord,
  type TaskSpec,
} from '../types.js';
import { jobDir, listManifests, readManifest, writeManifest, type Manifest } from './manifest.js';

export interface LocalBackendOptions {
  dataDir: string;
  registry: PipelineRegistry;
  storage: Storage;
  /** What this machine can run; asked once, when the first job is planned. */
  capabilities: () => Promise<FleetCapabilities>;
  /** Concurrent tasks per device class; cpu defaults to the core count. */
  slots?: Partial<Record<string, number>>;
  log: Logger;
  maxAttempts?: number;
  backoffBaseMs?: number;
  keepIntermediates?: boolean;
  clock?: () => Date;
  workerId?: string;
}

interface ActiveJob {
  manifest: Manifest;
  records: Map<string, TaskRecord>;
  controller: AbortController;
  running: Set<string>;
  notBefore: Map<string, number>;
  waiters: ((job: JobRecord) => void)[];
  writing: Promise<void>;
  lastWrite: number;
  runStart: { at: number; progress: number } | undefined;
  /** True while this process drives the job (a manifest saying 'running' may be a dead process'). */
  active: boolean;
}

/** The embedded default: an in-process scheduler with slots per device, state in a job directory. */
export class LocalBackend implements Backend {
  readonly name = 'local';
  private readonly jobs = new Map<string, ActiveJob>();
  private readonly free = new Map<string, number>();
  private readonly events = new Emitter<JobEvent>();
  private capabilities: Promise<FleetCapabilities> | undefined;
  private readonly clock: () => Date;
  private readonly workerId: string;
  private closed = false;
  private pumpTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: LocalBackendOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}`;
    this.free.set('cpu', options.slots?.cpu ?? availableParallelism());
    for (const [device, count] of Object.entries(options.slots ?? {})) this.free.set(device, count ?? 0);
  }

  /** Opens the data dir; with `resume`, jobs a killed process left unfinished start again. */
  static async open(options: LocalBackendOptions & { resume?: boolean }): Promise<LocalBackend> {
    const backend = new LocalBackend(options);
    for (const manifest of await listManifests(options.dataDir)) {
      const job = backend.adopt(manifest);
      if (options.resume && !TERMINAL_STATES.includes(manifest.job.state)) void backend.start(job);
    }
    return backend;
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    return this.events.on(listener);
  }

  async submit(type: string, rawSpec: unknown, options: SubmitOptions = {}): Promise<JobRecord> {
    if (this.closed) throw new FramefleetError('BACKEND_UNAVAILABLE', 'the local backend is shut down');
    const pipeline = this.options.registry.get(type);
    const spec = pipeline.parseSpec(rawSpec);
    const identity = pipeline.identity
      ? await pipeline.identity(spec, { storage: this.options.storage })
      : '';
    const id = options.jobId ?? deterministicJobId(type, spec, identity);
    let job = this.jobs.get(id);
    if (!job) {
      const manifest = (await readManifest(this.options.dataDir, id)) ?? {
        version: 1 as const,
        job: newJobRecord(id, type, spec, options.priority ?? 0, this.clock()),
        graph: undefined,
      };
      job = this.adopt(manifest);
    }
    if (!job.active) {
      // Resubmitting a finished, failed or interrupted job runs it again; verified outputs are reused.
      void this.start(job);
    }
    return this.snapshot(job);
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(jobId);
    return job ? this.snapshot(job) : undefined;
  }

  async list(filter: ListFilter = {}): Promise<{ jobs: JobRecord[]; total: number }> {
    const all = [...this.jobs.values()]
      .map((j) => j.manifest.job)
      .filter((j) => !filter.state || j.state === filter.state)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    const offset = filter.offset ?? 0;
    const page = all.slice(offset, offset + (filter.limit ?? 50));
    return { jobs: page.map((j) => this.snapshot(this.jobs.get(j.id)!)), total: all.length };
  }

  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    if (!TERMINAL_STATES.includes(job.manifest.job.state)) {
      job.controller.abort(new FramefleetError('CANCELLED', `job ${show(jobId)} cancelled`));
      for (const record of job.records.values()) {
        if (record.state === 'pending' || record.state === 'queued') record.state = 'cancelled';
      }
      this.finish(job, 'cancelled', undefined);
    }
    return this.snapshot(job);
  }

  async retry(jobId: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    if (!job.active && (job.manifest.job.state === 'failed' || job.manifest.job.state === 'cancelled')) {
      void this.start(job);
    }
    return this.snapshot(job);
  }

  async remove(jobId: string): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (!job) return false;
    if (job.active || job.running.size > 0) {
      throw new FramefleetError(
        'CONFLICT',
        `job ${show(jobId)} is ${job.manifest.job.state}; cancel it before removing it`,
      );
    }
    this.jobs.delete(jobId);
    await job.writing;
    await this.options.storage.deletePrefix(`jobs/${jobId}/`).catch(() => undefined);
    await rm(jobDir(this.options.dataDir, jobId), { recursive: true, force: true });
    return true;
  }

  wait(jobId: string, signal?: AbortSignal): Promise<JobRecord> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new FramefleetError('NOT_FOUND', `no job ${show(jobId)}`));
    if (!job.active && TERMINAL_STATES.includes(job.manifest.job.state) && job.running.size === 0) {
      return Promise.resolve(this.snapshot(job));
    }
    return new Promise((resolve, reject) => {
      job.waiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  /** Stops scheduling and interrupts running tasks without cancelling their jobs (they resume on open). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    // Planning jobs too: their probes and scene passes stop with the rest.
    const stopping = [...this.jobs.values()].filter((j) => j.active || j.running.size > 0);
    for (const job of stopping) job.controller.abort(new FramefleetError('CANCELLED', 'shutting down'));
    const busy = stopping.filter((j) => j.running.size > 0);
    await Promise.all(
      busy.map((j) => new Promise<void>((r) => (j.running.size === 0 ? r() : j.waiters.push(() => r())))),
    );
    await Promise.all([...this.jobs.values()].map((j) => j.writing));
  }

  private adopt(manifest: Manifest): ActiveJob {
    const records = new Map(manifest.job.tasks.map((t) => [t.id, t]));
    const job: ActiveJob = {
      manifest,
      records,
      controller: jobAbortController(),
      running: new Set(),
      notBefore: new Map(),
      waiters: [],
      writing: Promise.resolve(),
      lastWrite: 0,
      runStart: undefined,
      active: false,
    };
    this.jobs.set(manifest.job.id, job);
    return job;
  }

  private async start(job: ActiveJob): Promise<void> {
    const record = job.manifest.job;
    const controller = jobAbortController();
    job.active = true;
    job.controller = controller;
    record.error = undefined;
    // Synchronously out of any terminal state, so a wait() right after submit waits for this run.
    this.setState(job, 'queued');
    // A run that was cancelled (or replaced by a retry) while it awaited must not touch the job.
    const superseded = () => job.controller !== controller || controller.signal.aborted;
    try {
      if (!job.manifest.graph) {
        this.setState(job, 'planning');
        const pipeline = this.options.registry.get(record.type);
        this.capabilities ??= this.options.capabilities();
        const graph = await pipeline.plan(record.spec, {
          jobId: record.id,
          storage: this.options.storage,
          signal: controller.signal,
          log: this.options.log,
          capabilities: await this.capabilities,
        });
        if (superseded()) return;
        job.manifest.graph = graph;
        record.tasks = graph.tasks.map(taskRecordFor);
        job.records = new Map(record.tasks.map((t) => [t.id, t]));
      }
      const stillValid = await this.rootStillValid(job);
      if (superseded()) return;
      if (stillValid) {
        this.finish(job, 'done', record.result);
        return;
      }
      for (const task of record.tasks) {
        // Everything runs again, but a recorded output is reused once it re-verifies.
        task.state = 'pending';
        task.progress = 0;
        task.fps = undefined;
        task.reused = false;
      }
      job.runStart = undefined;
      this.setState(job, 'running');
      this.pump();
    } catch (error) {
      if (!superseded()) this.fail(job, toFramefleetError(error));
    }
  }

  /** A finished job whose result still verifies needs nothing redone, even if intermediates are gone. */
  private async rootStillValid(job: ActiveJob): Promise<boolean> {
    const graph = job.manifest.graph!;
    const root = job.records.get(graph.rootTaskId);
    const task = graph.tasks.find((t) => t.id === graph.rootTaskId);
    const verify = task && this.options.registry.get(job.manifest.job.type).verifiers?.[task.kind];
    if (!root || root.state !== 'done' || root.output === undefined || !verify) return false;
    const ok = await verify(task.payload, root.output, {
      storage: this.options.storage,
      signal: job.controller.signal,
    }).catch(() => false);
    if (ok) {
      for (const t of job.records.values()) t.reused = t.state === 'done';
      job.manifest.job.result = root.output;
    }
    return ok;
  }

  /** Starts every ready task that has a free slot, highest priority job first. */
  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    let nextWake = Infinity;
    // Only jobs this process started: an adopted manifest left 'running' by a dead process waits
    // for its own command (or `jobs resume`, or a server's resume) to start it.
    const active = [...this.jobs.values()]
      .filter((j) => j.active && j.manifest.job.state === 'running' && j.manifest.graph)
      .sort(
        (a, b) =>
          b.manifest.job.priority - a.manifest.job.priority ||
          (a.manifest.job.createdAt < b.manifest.job.createdAt ? -1 : 1),
      );
    for (const job of active) {
      for (const task of readyTasks(job.manifest.graph!, job.records)) {
        const wake = job.notBefore.get(task.id) ?? 0;
        if (wake > now) {
          nextWake = Math.min(nextWake, wake);
          continue;
        }
        const device = task.requires.device ?? 'cpu';
        const free = this.free.get(device) ?? 0;
        if (free <= 0) {
          if (!this.free.has(device) || this.totalSlots(device) === 0) {
            this.waitFor(job, `waiting for a worker with ${task.requires.encoder ?? device}`);
          }
          continue;
        }
        this.free.set(device, free - 1);
        void this.runTask(job, task, device);
      }
    }
    if (nextWake !== Infinity) {
      if (this.pumpTimer) clearTimeout(this.pumpTimer);
      this.pumpTimer = setTimeout(() => this.pump(), nextWake - now);
    }
  }

  private totalSlots(device: string): number {
    return device === 'cpu'
      ? (this.options.slots?.cpu ?? availableParallelism())
      : (this.options.slots?.[device] ?? 0);
  }

  private async runTask(job: ActiveJob, task: TaskSpec, device: string): Promise<void> {
    const record = job.records.get(task.id)!;
    const jobId = job.manifest.job.id;
    record.state = 'running';
    record.attempts += 1;
    record.worker = this.workerId;
    record.startedAt = this.clock().toISOString();
    record.finishedAt = undefined;
    job.running.add(task.id);
    this.events.emit(taskEventOf(jobId, record, this.workerId));
    this.persist(job, true);
    const pipeline = this.options.registry.get(job.manifest.job.type);
    const inputs = Object.fromEntries(task.dependsOn.map((d) => [d, job.records.get(d)?.output]));
    try {
      const { output, reused } = await runAttempt({
        pipeline,
        task,
        previousOutput: record.output,
        jobId,
        spec: job.manifest.job.spec,
        inputs,
        attempt: record.attempts,
        workerId: this.workerId,
        storage: this.options.storage,
        signal: job.controller.signal,
        scratchRoot: join(this.options.dataDir, 'scratch'),
        log: this.options.log,
        progress: (p) => this.onTaskProgress(job, record, p.fraction, p.fps),
      });
      record.state = 'done';
      record.output = output;
      record.reused = reused;
      record.progress = 1;
      record.fps = undefined;
      record.finishedAt = this.clock().toISOString();
      this.events.emit(taskEventOf(jobId, record, this.workerId));
      if (task.id === job.manifest.graph!.rootTaskId) {
        await this.cleanIntermediates(job);
        this.finish(job, 'done', output);
      } else {
        this.publishProgress(job);
        this.persist(job, true);
      }
    } catch (raw) {
      this.onTaskError(job, record, toFramefleetError(raw));
    } finally {
      job.running.delete(task.id);
      this.free.set(device, (this.free.get(device) ?? 0) + 1);
      if (job.running.size === 0 && (this.closed || TERMINAL_STATES.includes(job.manifest.job.state))) {
        this.release(job);
      }
      this.pump();
    }
  }

  private onTaskError(job: ActiveJob, record: TaskRecord, error: FramefleetError): void {
    const jobId = job.manifest.job.id;
    record.fps = undefined;
    record.finishedAt = this.clock().toISOString();
    if (job.controller.signal.aborted) {
      // Cancelled or shutting down: the job's state already says which.
      record.state = this.closed ? 'pending' : 'cancelled';
      this.persist(job, true);
      return;
    }
    const maxAttempts = this.options.maxAttempts ?? 3;
    const willRetry = !error.fatal && record.attempts < maxAttempts;
    const failure = failureFrom(record, error, willRetry, this.workerId, this.clock());
    job.manifest.job.failures.push(failure);
    this.events.emit({ type: 'failure', jobId, failure });
    this.options.log.warn({ jobId, task: record.id, code: error.code, willRetry }, error.message);
    if (willRetry) {
      record.state = 'pending';
      record.progress = 0;
      job.notBefore.set(
        record.id,
        Date.now() + backoffMs(record.attempts, this.options.backoffBaseMs ?? 1000),
      );
      this.events.emit({ type: 'task', jobId, taskId: record.id, kind: record.kind, state: 'pending' });
      this.persist(job, true);
      return;
    }
    record.state = 'failed';
    this.events.emit({ type: 'task', jobId, taskId: record.id, kind: record.kind, state: 'failed' });
    this.fail(job, error);
  }

  private fail(job: ActiveJob, error: FramefleetError): void {
    job.controller.abort(error);
    for (const record of job.records.values()) {
      if (record.state === 'pending' || record.state === 'queued') record.state = 'cancelled';
    }
    job.manifest.job.error = jobErrorOf(error);
    this.finish(job, 'failed', undefined);
  }

  private finish(job: ActiveJob, state: JobState, result: unknown): void {
    const record = job.manifest.job;
    job.active = false;
    record.result = result;
    record.waitingFor = undefined;
    if (state === 'done') record.progress = 1;
    this.setState(job, state);
    if (job.running.size === 0) this.release(job);
  }

  private release(job: ActiveJob): void {
    // Only those waiting now get this outcome; a wait() after a retry waits for the next one.
    const snapshot = this.snapshot(job);
    const waiters = job.waiters.splice(0);
    void job.writing.then(() => {
      for (const waiter of waiters) waiter(snapshot);
    });
  }

  private async cleanIntermediates(job: ActiveJob): Promise<void> {
    if (this.options.keepIntermediates) return;
    const root = job.manifest.graph!.rootTaskId;
    for (const record of job.records.values()) {
      const key = (record.output as { key?: unknown } | undefined)?.key;
      if (record.id === root || typeof key !== 'string') continue;
      await this.options.storage.delete(key).catch(() => undefined);
    }
  }

  private setState(job: ActiveJob, state: JobState): void {
    const record = job.manifest.job;
    record.state = state;
    record.updatedAt = this.clock().toISOString();
    this.events.emit({
      type: 'job',
      jobId: record.id,
      state,
      ...(record.error ? { error: record.error } : {}),
      ...(record.waitingFor ? { waitingFor: record.waitingFor } : {}),
    });
    this.persist(job, true);
  }

  private waitFor(job: ActiveJob, reason: string): void {
    if (job.manifest.job.waitingFor === reason) return;
    job.manifest.job.waitingFor = reason;
    this.events.emit({
      type: 'job',
      jobId: job.manifest.job.id,
      state: job.manifest.job.state,
      waitingFor: reason,
    });
    this.persist(job, true);
  }

  private onTaskProgress(
    job: ActiveJob,
    record: TaskRecord,
    fraction: number,
    fps: number | undefined,
  ): void {
    record.progress = Math.max(0, Math.min(1, fraction));
    record.fps = fps;
    this.events.emit({
      type: 'task-progress',
      jobId: job.manifest.job.id,
      taskId: record.id,
      progress: record.progress,
      fps,
    });
    this.publishProgress(job);
    this.persist(job, false);
  }

  private publishProgress(job: ActiveJob): void {
    const record = job.manifest.job;
    record.progress = jobProgress(record.tasks);
    const now = Date.now();
    job.runStart ??= { at: now, progress: record.progress };
    const gained = record.progress - job.runStart.progress;
    const elapsed = (now - job.runStart.at) / 1000;
    const etaSec = gained > 0.01 && elapsed > 1 ? ((1 - record.progress) * elapsed) / gained : undefined;
    this.events.emit({
      type: 'progress',
      jobId: record.id,
      progress: record.progress,
      fps: jobFps(record.tasks),
      etaSec,
    });
  }

  /** State changes are written at once; progress at most once a second. */
  private persist(job: ActiveJob, force: boolean): void {
    const now = Date.now();
    if (!force && now - job.lastWrite < 1000) return;
    job.lastWrite = now;
    job.writing = job.writing
      .then(() => writeManifest(this.options.dataDir, job.manifest))
      .catch((error: unknown) =>
        this.options.log.error({ jobId: job.manifest.job.id, err: String(error) }, 'cannot write manifest'),
      );
  }

  private snapshot(job: ActiveJob): JobRecord {
    return structuredClone(job.manifest.job);
  }
}
