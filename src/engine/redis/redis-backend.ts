import type { Redis } from 'ioredis';
import { FramefleetError, show } from '../../errors.js';
import type { Storage } from '../../storage/types.js';
import { Emitter } from '../emitter.js';
import { deterministicJobId, taskEventOf } from '../job-record.js';
import type { PipelineRegistry } from '../registry.js';
import type { Backend, JobEvent, JobRecord, ListFilter, Logger, SubmitOptions } from '../types.js';
import { checkEvictionPolicy } from './connection.js';
import { createFleetContext, type FleetContext, type RetryPolicy } from './fleet-context.js';
import { bullPriority } from './flow-tree.js';
import { isTerminal } from './job-store.js';
import { bullJobId, CONTROL_QUEUE, type TaskJobData } from './keys.js';
import type { TaskRecordMessage } from './job-scripts.js';
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
}

/** The fleet backend: jobs become BullMQ flows that worker processes run; records live in Redis. */
export class RedisBackend implements Backend {
  readonly name = 'redis';
  readonly ctx: FleetContext;
  private readonly events = new Emitter<JobEvent>();
  private readonly jobEvents = new Emitter<JobEvent>();
  private readonly channels = new Set<string>();
  private subscriber: Redis | undefined;
  private readonly runStart = new Map<string, { at: number; progress: number }>();
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
    const pipeline = this.ctx.registry.get(type);
    const spec = pipeline.parseSpec(rawSpec);
    const identity = pipeline.identity ? await pipeline.identity(spec, { storage: this.ctx.storage }) : '';
    const id = options.jobId ?? deterministicJobId(type, spec, identity);
    await this.startRun(id, type, spec, options.priority ?? 0, false);
    return (await this.ctx.store.get(id))!;
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    return this.ctx.store.get(jobId);
  }

  async list(filter: ListFilter = {}): Promise<{ jobs: JobRecord[]; total: number }> {
    const all: JobRecord[] = [];
    for (const id of await this.ctx.store.ids()) {
      const job = await this.ctx.store.get(id);
      if (job && (!filter.state || job.state === filter.state)) all.push(job);
    }
    const offset = filter.offset ?? 0;
    return { jobs: all.slice(offset, offset + (filter.limit ?? 50)), total: all.length };
  }

  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const header = await this.ctx.store.header(jobId);
    if (!header) return undefined;
    if (!isTerminal(header.state)) {
      const error = { code: 'CANCELLED', message: `job ${show(jobId)} cancelled` };
      if (
        await this.ctx.store.setState(
          jobId,
          'cancelled',
          { error, waitingFor: undefined },
          { run: header.run },
        )
      ) {
        await stopJob(this.ctx, jobId, header.run, await this.ctx.store.graph(jobId));
      }
    }
    return this.ctx.store.get(jobId);
  }

  async retry(jobId: string): Promise<JobRecord | undefined> {
    const header = await this.ctx.store.header(jobId);
    if (!header) return undefined;
    if (header.state === 'failed' || header.state === 'cancelled') {
      await this.startRun(jobId, header.type, header.spec, header.priority, false);
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
    await this.options.storage.deletePrefix(`jobs/${jobId}/`).catch(() => undefined);
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
  private async startRun(id: string, type: string, spec: unknown, priority: number, force: boolean) {
    const { started, run } = await this.ctx.store.begin(id, type, spec, priority, force);
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
    type Message = JobEvent | TaskRecordMessage;
    let parsed: Message | Message[];
    try {
      parsed = JSON.parse(message) as Message | Message[];
    } catch {
      return;
    }
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      const event =
        item.type === 'task-record' ? taskEventOf(item.jobId, item.record, item.record.worker ?? '') : item;
      if (event.type === 'progress') event.etaSec = this.eta(event.jobId, event.progress);
      if (event.type === 'job' && isTerminal(event.state)) this.runStart.delete(event.jobId);
      this.events.emit(event);
      if (event.type === 'job') this.jobEvents.emit(event);
    }
  }

  private eta(jobId: string, progress: number): number | undefined {
    const now = Date.now();
    const start = this.runStart.get(jobId) ?? { at: now, progress };
    this.runStart.set(jobId, start);
    const gained = progress - start.progress;
    const elapsed = (now - start.at) / 1000;
    return gained > 0.01 && elapsed > 1 ? ((1 - progress) * elapsed) / gained : undefined;
  }
}
