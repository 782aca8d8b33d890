import { availableParallelism, hostname } from 'node:os';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FramefleetError, show, toFramefleetError } from '../../errors.js';
import { Emitter } from '../emitter.js';
import { newJobRecord } from '../job-record.js';
import {
  cleanScratch,
  jobScratchDir,
  planJob,
  prepareSubmit,
  resetForRun,
  rootStillValid,
  scratchPrefix,
} from '../lifecycle.js';
import { jobAbortController } from '../run-task.js';
import {
  TERMINAL_STATES,
  type Backend,
  type BackendStats,
  type FleetCapabilities,
  type JobEvent,
  type JobRecord,
  type ListFilter,
  type SubmitOptions,
} from '../types.js';
import { LocalJob } from './local-job.js';
import { LocalScheduler } from './local-scheduler.js';
import { LocalStates } from './local-states.js';
import { stampInputs } from '../input-stamps.js';
import { checkStoredInputs, resumeUnfinished } from './stored-inputs.js';
import { tasksStopped, untilRemovable } from './tasks-stopped.js';
import type { LocalBackendOptions } from './local-backend-options.js';
import { listManifests, newManifest, readManifest, removeManifest } from './manifest.js';

export type { LocalBackendOptions } from './local-backend-options.js';

/**
 * The embedded default: jobs in a data directory (one atomically written manifest each), tasks run
 * in this process on slots per device class. A job runs only while this process drives it: `open`
 * adopts what the data dir holds, and starts unfinished jobs only with `resume`.
 */
export class LocalBackend implements Backend {
  readonly name = 'local';
  private readonly jobs = new Map<string, LocalJob>();
  private readonly events = new Emitter<JobEvent>();
  private readonly scheduler: LocalScheduler;
  private readonly states: LocalStates;
  private capabilities: Promise<FleetCapabilities> | undefined;
  private readonly clock: () => Date;
  private closed = false;

  private constructor(private readonly options: LocalBackendOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.states = new LocalStates(options.dataDir, this.events, this.clock, options.log);
    const scratchRoot = join(options.dataDir, 'tmp');
    this.scheduler = new LocalScheduler({
      registry: options.registry,
      storage: options.storage,
      log: options.log,
      workerId: options.workerId ?? `${hostname()}:${process.pid}`,
      slots: { cpu: availableParallelism(), ...options.slots },
      capabilities: () => this.fleetCapabilities(),
      scratchRoot,
      paths: options.paths,
      maxAttempts: options.maxAttempts ?? 3,
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      clock: this.clock,
      events: this.events,
      states: this.states,
      rootDone: async (job) => {
        // Attempt folders a killed run left behind (each attempt removes its own as it ends).
        await rm(join(scratchRoot, jobScratchDir(job.id)), { recursive: true, force: true });
        if (!this.options.keepIntermediates) await cleanScratch(this.options.storage, job.id);
      },
      jobs: () => this.jobs.values(),
    });
  }

  /** Opens the data dir; with `resume`, jobs a killed process left unfinished start again. */
  static async open(options: LocalBackendOptions & { resume?: boolean }): Promise<LocalBackend> {
    const backend = new LocalBackend(options);
    const unfinished: LocalJob[] = [];
    for (const manifest of await listManifests(options.dataDir)) {
      const job = new LocalJob(manifest);
      backend.jobs.set(job.id, job);
      if (options.resume && !TERMINAL_STATES.includes(manifest.job.state)) unfinished.push(job);
    }
    // Before open returns: no retry or submit meets a job while its inputs are checked.
    await resumeUnfinished(unfinished, options, backend.states, (job) => void backend.start(job));
    return backend;
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    return this.events.on(listener);
  }

  async submit(type: string, rawSpec: unknown, options: SubmitOptions = {}): Promise<JobRecord> {
    if (this.closed) throw new FramefleetError('BACKEND_UNAVAILABLE', 'the local backend is shut down');
    const { spec, id, priority } = await prepareSubmit(
      this.options.registry,
      this.options.storage,
      type,
      rawSpec,
      options,
    );
    let job = this.jobs.get(id);
    if (!job) {
      job = new LocalJob(
        (await readManifest(this.options.dataDir, id)) ??
          newManifest(newJobRecord(id, type, spec, priority, this.clock())),
      );
      this.jobs.set(id, job);
    }
    // Resubmitting a finished, failed or interrupted job runs it again; verified outputs are reused.
    if (!job.active) {
      // The same job with other run options (overwrite): the new run runs with the new spec.
      job.record.spec = spec;
      void this.start(job);
    }
    return this.states.snapshot(job);
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(jobId);
    return job ? this.states.snapshot(job) : undefined;
  }

  async list(filter: ListFilter = {}): Promise<{ jobs: JobRecord[]; total: number }> {
    const all = [...this.jobs.values()]
      .filter((j) => !filter.state || j.record.state === filter.state)
      .sort((a, b) =>
        a.record.createdAt < b.record.createdAt ? 1 : a.record.createdAt > b.record.createdAt ? -1 : 0,
      );
    const offset = filter.offset ?? 0;
    const page = all.slice(offset, offset + (filter.limit ?? 50));
    return { jobs: page.map((j) => this.states.snapshot(j)), total: all.length };
  }

  async stats(): Promise<BackendStats> {
    const jobs: BackendStats['jobs'] = {};
    for (const job of this.jobs.values()) jobs[job.record.state] = (jobs[job.record.state] ?? 0) + 1;
    return { pools: this.scheduler.poolStats(), jobs };
  }

  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    if (!TERMINAL_STATES.includes(job.record.state)) {
      job.controller.abort(new FramefleetError('CANCELLED', `job ${show(jobId)} cancelled`));
      job.record.error = { code: 'CANCELLED', message: `job ${show(jobId)} cancelled` };
      this.states.stopPending(job);
      this.states.finish(job, 'cancelled', undefined);
    }
    return this.states.snapshot(job);
  }

  async retry(jobId: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    const retryable = () => !job.active && ['failed', 'cancelled'].includes(job.record.state);
    if (retryable()) {
      // First: a refused retry (INPUT_CHANGED) leaves the job as it was, retryable once the file is back.
      await checkStoredInputs(job, this.options.paths);
      if (retryable()) void this.start(job);
    }
    return this.states.snapshot(job);
  }

  /** Deletes a job that is not running: its record, manifest and intermediates (never its output). */
  async remove(jobId: string): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (!job) return false;
    await untilRemovable(job, this.options.removeWaitMs);
    if (!this.jobs.has(jobId)) return false;
    this.jobs.delete(jobId);
    await job.writing;
    await removeManifest(this.options.dataDir, jobId);
    await cleanScratch(this.options.storage, jobId);
    return true;
  }

  wait(jobId: string, signal?: AbortSignal): Promise<JobRecord> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new FramefleetError('NOT_FOUND', `no job ${show(jobId)}`));
    if (!job.active && TERMINAL_STATES.includes(job.record.state) && job.running.size === 0) {
      return Promise.resolve(this.states.snapshot(job));
    }
    return new Promise((resolve, reject) => {
      job.waiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  /** Stops scheduling and interrupts running tasks without cancelling their jobs (they resume on open). */
  async close(): Promise<void> {
    this.closed = true;
    this.scheduler.close();
    // Planning jobs too: their probes and scene passes stop with the rest.
    const stopping = [...this.jobs.values()].filter((j) => j.active || j.running.size > 0);
    for (const job of stopping) job.controller.abort(new FramefleetError('CANCELLED', 'shutting down'));
    await Promise.all(stopping.map((j) => tasksStopped(j)));
    await Promise.all([...this.jobs.values()].map((j) => j.writing));
  }

  private fleetCapabilities(): Promise<FleetCapabilities> {
    this.capabilities ??= this.options.capabilities();
    return this.capabilities;
  }

  private async start(job: LocalJob): Promise<void> {
    const record = job.record;
    const lastState = record.state;
    const controller = jobAbortController();
    job.active = true;
    job.controller = controller;
    record.error = undefined;
    job.beganRun(this.clock());
    // Synchronously out of any terminal state, so a wait() right after submit waits for this run.
    this.states.setState(job, 'queued');
    // A run that was cancelled (or replaced by a retry) while it awaited must not touch the job.
    const superseded = () => job.controller !== controller || controller.signal.aborted;
    try {
      const pipeline = this.options.registry.get(record.type);
      const plan = async () =>
        planJob(pipeline, record.spec, {
          jobId: record.id,
          scratchPrefix: scratchPrefix(record.id),
          storage: this.options.storage,
          signal: controller.signal,
          log: this.options.log,
          capabilities: await this.fleetCapabilities(),
          paths: this.options.paths,
        });
      const stored = job.graph !== undefined;
      if (!stored) {
        this.states.setState(job, 'planning');
        const roots = await this.options.paths?.rootsFor(record.id);
        const inputs = await stampInputs(pipeline.inputFiles?.(record.spec) ?? [], roots?.input);
        const graph = await plan();
        if (superseded()) return;
        job.planned(graph, pipeline.planner);
        job.manifest.inputs = inputs;
      }
      const root = job.records.get(job.graph!.rootTaskId);
      const keep = await rootStillValid(pipeline, job.graph!, root, {
        storage: this.options.storage,
        signal: controller.signal,
        jobId: record.id,
        paths: this.options.paths,
      });
      if (superseded()) return;
      // A stored plan is not made again: what its planning warned of is said again (a new user's
      // trial ran the same command twice and saw a warning the first time only).
      const replayWarnings = () => {
        for (const warning of job.record.warnings ?? []) this.options.log.warn({ jobId: record.id }, warning);
      };
      if (keep) {
        if (stored) replayWarnings();
        for (const t of job.records.values()) t.reused = t.state === 'done';
        this.states.finish(job, 'done', root!.output);
        return;
      }
      // A plan stored by other code (an upgrade) runs as this code plans it: its tasks' arguments
      // may be what the upgrade fixed. What is planned the same keeps its records.
      const rebuilt = stored && job.ranUnderOtherBuild(this.options.build);
      const failed = job.failedTasks();
      const stale = stored && (rebuilt || job.manifest.plannedBy !== pipeline.planner);
      if (stored && !stale) replayWarnings();
      const samePlan = !stale || job.replanned(await plan(), pipeline.planner);
      if (superseded()) return;
      const why = job.runUnder(this.options.build, { rebuilt, lastState, failed, samePlan });
      if (why) this.options.log.warn({ jobId: record.id }, why);
      // Everything runs again, but a recorded output is reused once it re-verifies.
      record.tasks = record.tasks.map(resetForRun);
      job.records = new Map(record.tasks.map((t) => [t.id, t]));
      job.eta.reset();
      job.startRun(this.clock().getTime());
      this.states.setState(job, 'running');
      this.scheduler.pump();
    } catch (error) {
      if (!superseded()) this.states.fail(job, toFramefleetError(error));
    }
  }
}
