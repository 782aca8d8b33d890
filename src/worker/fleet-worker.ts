import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DelayedError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Capabilities } from '../engine/capabilities.js';
import { canServe, queuesFor, slotClassOf } from '../engine/routing.js';
import { FramefleetError } from '../errors.js';
import type { PipelineRegistry } from '../engine/registry.js';
import type { Logger, Requirements } from '../engine/types.js';
import { createFleetContext, type FleetContext, type RetryPolicy } from '../engine/redis/fleet-context.js';
import { isTerminal } from '../engine/redis/job-store.js';
import { CONTROL_QUEUE, type TaskJobData } from '../engine/redis/keys.js';
import type { NodeInfo, NodeTask } from '../engine/redis/node-registry.js';
import { assertTaskJobData, processFleetJob } from '../engine/redis/processor.js';
import { StartRecorder } from '../engine/redis/start-recorder.js';
import { METRICS_POINTS } from '../engine/redis/stats.js';
import type { PathPolicy } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';
import { servedSlots, SlotPool, type SlotClass } from './slot-pool.js';
import { GpuAssigner } from '../engine/gpu-pin.js';
import { jobAbortController } from '../engine/run-task.js';
import { WorkerMetrics } from './worker-metrics.js';
import { WORKER_SCRATCH_ROOT } from '../storage/work-folders.js';
import { OWN_DISK_FULL_PAUSE_MS, ScratchHold } from './scratch-hold.js';
import { timesOut } from './times-out.js';

export interface FleetWorkerOptions {
  redis: Redis;
  prefix: string;
  registry: PipelineRegistry;
  storage: Storage;
  capabilities: Capabilities;
  log: Logger;
  workerId?: string;
  /** Concurrent CPU tasks. */
  concurrency: number;
  /** Concurrent GPU tasks (NVENC session limits). */
  gpuSlots?: number;
  /** Consume exactly these task queues instead of the ones the capabilities can serve. */
  queues?: string[];
  /** A task's lock lasts this long and is renewed at half of it; a dead worker's task is retaken after. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  heartbeatMs?: number;
  scratchRoot?: string;
  /** How long the worker takes no tasks after its own scratch disk filled (OWN_DISK_FULL_PAUSE_MS). */
  ownDiskFullPauseMs?: number;
  retry?: RetryPolicy;
  keepIntermediates?: boolean;
  /** Confines each job's files where they are opened (see fleetPathPolicy). */
  paths?: PathPolicy;
}

// Another worker gets the task when this one's slots of that class are full.
const SLOT_BUSY_DELAY_MS = 200;
const QUEUE_REFRESH_MS = 5000;
/** Job runs whose abort signal a worker keeps while none of their tasks runs here. */
const MAX_IDLE_RUNS = 64;

/** A running task: what the heartbeat reports, and the run whose signal aborts it. */
interface ActiveTask {
  job: Job<TaskJobData>;
  startedAt: number;
  run: RunSignal;
}

interface RunSignal {
  controller: AbortController;
  tasks: number;
}

/** A worker process's engine: registers itself, consumes the queues it can serve, runs tasks. */
export class FleetWorker {
  readonly id: string;
  readonly metrics = new WorkerMetrics(() => ({ cpu: this.pool.used('cpu'), gpu: this.pool.used('gpu') }));
  private readonly ctx: FleetContext;
  private readonly workers = new Map<string, Worker>();
  private readonly active = new Map<string, ActiveTask>();
  private readonly runSignals = new Map<string, RunSignal>();
  private readonly pool: SlotPool;
  private readonly gpus: GpuAssigner;
  private readonly starts = new StartRecorder();
  private readonly serves: (requires: Requirements) => boolean;
  private readonly hold: ScratchHold;
  private subscriber: Redis | undefined;
  private timers: NodeJS.Timeout[] = [];
  private draining = false;
  private started = false;
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly options: FleetWorkerOptions) {
    this.id = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
    this.ctx = createFleetContext({
      ...options,
      workerId: this.id,
      scratchRoot: options.scratchRoot ?? join(WORKER_SCRATCH_ROOT, this.id),
    });
    // GPU slots are per device: each GPU task is pinned to the least busy of the worker's GPUs.
    const gpus = options.capabilities.gpus;
    this.gpus = new GpuAssigner(gpus);
    this.pool = new SlotPool({
      cpu: options.concurrency,
      gpu: (options.gpuSlots ?? 2) * Math.max(1, gpus.length),
    });
    this.serves = (requires) => canServe(options.capabilities, requires);
    this.hold = new ScratchHold({
      pauseMs: options.ownDiskFullPauseMs ?? OWN_DISK_FULL_PAUSE_MS,
      scratchRoot: this.ctx.scratchRoot,
      log: options.log,
      taskWorkers: () => [...this.workers].filter(([q]) => q !== CONTROL_QUEUE).map(([, w]) => w),
    });
  }

  async start(): Promise<void> {
    this.subscriber = this.options.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.ctx.keys.cancels) {
        this.ctx.store.forget(message);
        this.abortJob(message, 'cancelled');
      } else void this.refreshQueues();
    });
    await this.subscriber.subscribe(this.ctx.keys.cancels, this.ctx.keys.queueAdded);
    await this.refreshQueues();
    await this.heartbeat();
    const beat = this.options.heartbeatMs ?? 2000;
    this.timers.push(setInterval(() => void this.heartbeat().catch(() => undefined), beat));
    this.timers.push(setInterval(() => void this.refreshQueues().catch(() => undefined), QUEUE_REFRESH_MS));
    this.started = true;
  }

  /** Taking tasks and reachable: what /readyz reports. */
  ready(): boolean {
    return this.started && !this.draining && this.options.redis.status === 'ready';
  }

  queueNames(): string[] {
    return [...this.workers.keys()].sort();
  }

  /**
   * Stops taking tasks, lets running ones finish for up to `graceMs`, then aborts the rest and hands
   * them back to their queues for another worker; unregisters. Never cancels anyone's job.
   */
  async stop(graceMs: number): Promise<void> {
    this.draining = true;
    this.hold.stop();
    for (const timer of this.timers) clearInterval(timer);
    await this.heartbeat().catch(() => undefined);
    const closing = Promise.all([...this.workers.values()].map((w) => w.close()));
    if (await timesOut(closing, graceMs)) {
      for (const { run } of this.active.values()) abortRun(run, 'worker shutting down');
      await closing;
    }
    await this.subscriber?.quit().catch(() => undefined);
    await this.ctx.nodes.unregister(this.id).catch(() => undefined);
    await this.ctx.queues.close();
  }

  /** Starts a BullMQ worker for every queue this worker can serve that has none yet. */
  private async refreshQueues(): Promise<void> {
    if (this.draining) return;
    const wanted = this.options.queues ?? queuesFor(this.options.capabilities, await this.ctx.queues.inUse());
    for (const name of [CONTROL_QUEUE, ...wanted]) {
      if (this.workers.has(name) || this.draining) continue;
      const slot = slotClassOf(name);
      const worker = new Worker<TaskJobData, unknown>(
        name,
        // Two parameters: BullMQ then makes no AbortController per job (see runSignal).
        (job, token) => this.process(job, slot, token),
        {
          connection: this.options.redis,
          prefix: this.options.prefix,
          concurrency: name === CONTROL_QUEUE ? 4 : this.pool.sizes[slot],
          lockDuration: this.options.lockDurationMs ?? 30_000,
          stalledInterval: this.options.stalledIntervalMs ?? 15_000,
          // A fleet with preemptible nodes stalls often; the task's own attempts decide failure.
          maxStalledCount: 1000,
          removeOnComplete: { count: 2000 },
          removeOnFail: { count: 5000 },
          // Per-minute finished and failed counts: the pool stats' last hour.
          metrics: { maxDataPoints: METRICS_POINTS },
        },
      );
      worker.on('error', (error) =>
        this.options.log.debug({ queue: name, err: String(error) }, 'worker error'),
      );
      this.workers.set(name, worker);
    }
    this.metrics.queues.set(this.workers.size);
    // The slots `nodes` sees: GPU slots only while a GPU queue is consumed (none without a GPU).
    for (const [slot, n] of Object.entries(servedSlots(this.pool.sizes, this.queueNames())))
      this.metrics.slots.set({ slot }, n);
  }

  private async process(job: Job<TaskJobData>, slot: SlotClass, token: string | undefined): Promise<unknown> {
    // Checked before a slot is taken: a malformed job once leaked the slot and wedged the pool.
    assertTaskJobData(job.data);
    const control = job.queueName === CONTROL_QUEUE;
    if (!control && !this.pool.tryAcquire(slot)) {
      await job.moveToDelayed(Date.now() + SLOT_BUSY_DELAY_MS, token);
      throw new DelayedError();
    }
    const gpu = slot === 'gpu' && !control ? this.gpus.take() : undefined;
    const run = this.runSignal(job.data);
    const signal = run.controller.signal;
    const startedAt = Date.now();
    this.active.set(job.id!, { job, startedAt, run });
    let outcome = 'failed';
    try {
      outcome = await processFleetJob(this.ctx, job, token, signal, {
        gpu,
        serves: this.serves,
        starts: this.starts,
        ownDiskFull: (path) => this.hold.hold(path),
        held: () => this.hold.held(),
      });
      return outcome;
    } catch (error) {
      if (this.draining && signal.aborted) {
        // Shutting down past the grace period: the task goes back to its queue as it was.
        outcome = 'handed-back';
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (error instanceof DelayedError) outcome = 'delayed';
      throw error;
    } finally {
      if (outcome !== 'delayed' && outcome !== 'handed-back') {
        this.metrics.finished(job.name, outcome, (Date.now() - startedAt) / 1000);
      }
      this.active.delete(job.id!);
      run.tasks -= 1;
      if (!control) this.pool.release(slot);
      this.gpus.give(gpu);
    }
  }

  /**
   * The abort signal of a job's run, shared by its tasks here: cancels come per job (and shutdown
   * aborts everything), and an AbortController per task costs more than a no-op task.
   */
  private runSignal(data: TaskJobData): RunSignal {
    const key = `${data.jobId}.r${data.run}`;
    let run = this.runSignals.get(key);
    if (!run) {
      // Kept between tasks (a run's tasks come and go by the thousand); idle runs are dropped oldest first.
      if (this.runSignals.size >= MAX_IDLE_RUNS) {
        for (const [other, { tasks }] of this.runSignals) {
          if (tasks === 0) this.runSignals.delete(other);
          if (this.runSignals.size < MAX_IDLE_RUNS / 2) break;
        }
      }
      this.runSignals.set(key, (run = { controller: jobAbortController(), tasks: 0 }));
    }
    run.tasks += 1;
    return run;
  }

  private abortJob(jobId: string, why: string): void {
    for (const { job, run } of this.active.values()) {
      if (job.data.jobId === jobId) abortRun(run, `job ${jobId} ${why}`);
    }
  }

  /** Registers (or refreshes) this worker with its load; aborts tasks whose job ended meanwhile. */
  private async heartbeat(): Promise<void> {
    const beat = this.options.heartbeatMs ?? 2000;
    const info: NodeInfo = {
      id: this.id,
      hostname: this.options.capabilities.hostname,
      pid: process.pid,
      capabilities: this.options.capabilities,
      queues: this.queueNames(),
      slots: servedSlots(this.pool.sizes, this.queueNames()),
      tasks: [...this.active.values()].map(({ job, startedAt }): NodeTask => ({
        jobId: job.data.jobId,
        taskId: job.data.taskId,
        kind: job.name,
        startedAt: new Date(startedAt).toISOString(),
      })),
      draining: this.draining,
      startedAt: this.startedAt,
      heartbeatAt: new Date().toISOString(),
    };
    await this.ctx.nodes.register(info, beat * 3);
    // Pub/sub messages are lost while Redis restarts; the job's state is not.
    for (const jobId of new Set([...this.active.values()].map((t) => t.job.data.jobId))) {
      const header = await this.ctx.store.header(jobId);
      if (header && isTerminal(header.state)) this.abortJob(jobId, header.state);
    }
  }
}

function abortRun(run: RunSignal, reason: string): void {
  if (!run.controller.signal.aborted) run.controller.abort(new FramefleetError('CANCELLED', reason));
}
