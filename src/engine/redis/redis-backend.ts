import type { Redis } from 'ioredis';
import { FramefleetError, show } from '../../errors.js';
import type { PathRoots } from '../../storage/path-policy.js';
import type { Storage } from '../../storage/types.js';
import { BoundedMap } from '../bounded-map.js';
import { Emitter } from '../emitter.js';
import { checkInputs } from '../input-stamps.js';
import { cleanScratch, EtaClock, prepareSubmit } from '../lifecycle.js';
import type { PipelineRegistry } from '../registry.js';
import type {
  Backend,
  BackendStats,
  JobEvent,
  JobRecord,
  ListFilter,
  Logger,
  SubmitOptions,
} from '../types.js';
import { checkEvictionPolicy } from './connection.js';
import { bullPriority } from './enqueue.js';
import { eventsOfMessage } from './event-message.js';
import { recordJobRoots } from './job-roots.js';
import { createFleetContext, type FleetContext, type RetryPolicy } from './fleet-context.js';
import { isTerminal } from './job-store.js';
import { bullJobId, CONTROL_QUEUE, type TaskJobData } from './keys.js';
import { poolStats } from './stats.js';
import { stopJob } from './stop-job.js';

export interface RedisBackendOptions {
  redis: Redis;
  /** Key prefix for framefleet's and BullMQ's keys; one per deployment (or per test). */
  prefix: string;
  registry: PipelineRegistry;
  storage: Storage;
  log: Logger;
  retry?: RetryPolicy;
  keepIntermediates?: boolean;
  clock?: () => Date;
  /** How often `wait` re-reads the record, in case an event was lost (Redis restarted). */
  pollMs?: number;
  /** Recorded with each job this backend submits, for workers without roots of their own. */
  submitRoots?: PathRoots;
}

/** The fleet backend: a job's ready tasks go to pool queues that worker processes consume; records live in Redis. */
export class RedisBackend implements Backend {
  readonly name = 'redis';
  readonly ctx: FleetContext;
  private readonly events = new Emitter<JobEvent>();
  private readonly jobEvents = new Emitter<JobEvent>();
  private readonly channels = new Set<string>();
  private subscriber: Redis | undefined;
  private readonly etas = new BoundedMap<string, EtaClock>(1024);
  private closed = false;

  constructor(private readonly options: RedisBackendOptions) {
    this.ctx = createFleetContext({ ...options, workerId: 'submitter', scratchRoot: '' });
  }

  /** Creates the backend and warns when Redis may evict keys. */
  static async open(options: RedisBackendOptions): Promise<RedisBackend> {
    await checkEvictionPolicy(options.redis, options.log);
    return new RedisBackend(options);
  }

  /** Every event: job state, tasks, progress, failures. */
  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listen(this.ctx.keys.events);
    this.listen(this.ctx.keys.jobEvents);
    return this.events.on(listener);
  }

  /** Job state changes only: what `wait` needs, without parsing every task's events. */
  private subscribeJobs(listener: (event: JobEvent) => void): () => void {
    this.listen(this.ctx.keys.jobEvents);
    return this.jobEvents.on(listener);
  }

  private listen(channel: string): void {
    if (!this.subscriber) {
      this.subscriber = this.ctx.redis.duplicate();
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    }
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    void this.subscriber.subscribe(channel).catch(() => undefined);
  }

  async submit(type: string, rawSpec: unknown, options: SubmitOptions = {}): Promise<JobRecord> {
    if (this.closed) throw new FramefleetError('BACKEND_UNAVAILABLE', 'the redis backend is closed');
    const { spec, id, priority } = await prepareSubmit(
      this.ctx.registry,
      this.ctx.storage,
      type,
      rawSpec,
      options,
    );
    // Before any step is queued: a worker must never see the job without its roots.
    if (this.options.submitRoots) {
      await recordJobRoots(this.ctx.redis, this.options.prefix, id, this.options.submitRoots);
    }
    await this.startRun(id, type, spec, priority);
    return (await this.ctx.store.get(id))!;
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    return this.ctx.store.get(jobId);
  }

  async list(filter: ListFilter = {}): Promise<{ jobs: JobRecord[]; total: number }> {
    const { ids, total } = await this.ctx.store.index.page(filter);
    const jobs = await Promise.all(ids.map((id) => this.ctx.store.get(id)));
    return { jobs: jobs.filter((j): j is JobRecord => j !== undefined), total };
  }

  async stats(): Promise<BackendStats> {
    const [pools, jobs] = await Promise.all([poolStats(this.ctx), this.ctx.store.index.counts()]);
    return { pools, jobs };
  }

  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const header = await this.ctx.store.header(jobId);
    if (!header) return undefined;
    if (!isTerminal(header.state)) {
      const error = { code: 'CANCELLED' as const, message: `job ${show(jobId)} cancelled` };
      if (
        await this.ctx.store.setState(
          jobId,
          'cancelled',
          { error, waitingFor: undefined },
          { run: header.run },
        )
      ) {
        await stopJob(this.ctx, jobId, header.run);
      }
    }
    return this.ctx.store.get(jobId);
  }

  async retry(jobId: string): Promise<JobRecord | undefined> {
    const header = await this.ctx.store.header(jobId);
    if (!header) return undefined;
    if (header.state === 'failed' || header.state === 'cancelled') {
      // Before anything is queued: a refused retry (INPUT_CHANGED) leaves the job as it was, retryable
      // once the file is back; its stored plan and verified outputs were made from the stamped files.
      const stamps = await this.ctx.graphs.inputs(jobId);
      await checkInputs(stamps, jobId, this.options.submitRoots?.input);
      await this.startRun(jobId, header.type, header.spec, header.priority);
    }
    return this.ctx.store.get(jobId);
  }

  async remove(jobId: string): Promise<boolean> {
    const header = await this.ctx.store.header(jobId);
    if (!header) return false;
    if (!isTerminal(header.state)) {
      throw new FramefleetError(
        'CONFLICT',
        `job ${show(jobId)} is ${header.state}; cancel it before removing it`,
      );
    }
    await this.ctx.store.remove(jobId);
    await cleanScratch(this.ctx.storage, jobId);
    return true;
  }

  wait(jobId: string, signal?: AbortSignal): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const check = async () => {
        // The header is cheap; the whole record (every task) is read once, at the end.
        const header = await this.ctx.store.header(jobId).catch(() => null);
        if (settled || header === null) return;
        if (!header) return finish(undefined, new FramefleetError('NOT_FOUND', `no job ${show(jobId)}`));
        if (!isTerminal(header.state)) return;
        const job = await this.ctx.store.get(jobId).catch(() => undefined);
        if (job && !settled) finish(job);
      };
      const unsubscribe = this.subscribeJobs((event) => {
        if (event.jobId === jobId && event.type === 'job' && isTerminal(event.state)) void check();
      });
      // Events can be lost while Redis restarts; the record cannot.
      const timer = setInterval(() => void check(), this.options.pollMs ?? 1000);
      const onAbort = () => finish(undefined, signal?.reason);
      const finish = (job: JobRecord | undefined, error?: unknown) => {
        settled = true;
        clearInterval(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        if (job) resolve(job);
        else reject(error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void check();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.subscriber?.quit().catch(() => undefined);
    await this.ctx.queues.close();
  }

  /** A new run: reset to queued and put the plan step on the control queue. */
  private async startRun(id: string, type: string, spec: unknown, priority: number): Promise<void> {
    const { started, run } = await this.ctx.store.begin(id, type, spec, priority);
    if (!started) return;
    const data: TaskJobData = { jobId: id, run, taskId: 'plan' };
    await this.ctx.queues.get(CONTROL_QUEUE).add('plan', data, {
      jobId: bullJobId(id, run, 'plan'),
      priority: bullPriority(priority),
      attempts: this.ctx.retry.attempts,
      backoff: { type: 'exponential', delay: this.ctx.retry.backoffBaseMs },
      removeOnComplete: { count: 2000 },
      removeOnFail: { count: 5000 },
    });
    if ((await this.ctx.nodes.live()).length === 0) {
      await this.ctx.store.setWaitingFor(id, 'waiting for a worker to come online');
    }
  }

  /** One event, or an array of them (task record writes grouped into one command). */
  private onMessage(message: string): void {
    for (const event of eventsOfMessage(message)) {
      if (event.type === 'progress') event.etaSec = this.eta(event.jobId, event.progress);
      if (event.type === 'job' && isTerminal(event.state)) this.etas.delete(event.jobId);
      this.events.emit(event);
      if (event.type === 'job') this.jobEvents.emit(event);
    }
  }

  private eta(jobId: string, progress: number): number | undefined {
    let clock = this.etas.get(jobId);
    if (!clock) this.etas.set(jobId, (clock = new EtaClock()));
    return clock.eta(progress);
  }
}
