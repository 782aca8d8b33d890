import type { JobsOptions } from 'bullmq';
import { queueFor } from '../routing.js';
import type { TaskSpec } from '../types.js';
import { bullJobId, type TaskJobData } from './keys.js';
import type { QueueSet, RetryPolicy } from './queue-set.js';

/** BullMQ's largest priority value; lower numbers run first there. */
const BULL_MAX_PRIORITY = 2_097_152;
/** Task priorities within a job span this many steps (higher first). */
const TASK_PRIORITY_STEPS = 8;

/**
 * framefleet priority (job: higher first, 0 default; task: higher first within the job) -> BullMQ
 * priority (1 runs first). Jobs stay ordered among themselves; within one, a task's priority breaks
 * the tie. Pure.
 */
export function bullPriority(jobPriority: number, taskPriority = 0): number {
  const job = Math.max(0, 1000 - Math.round(jobPriority));
  const task = TASK_PRIORITY_STEPS / 2 - Math.max(-3, Math.min(4, Math.round(taskPriority)));
  return Math.min(BULL_MAX_PRIORITY, Math.max(1, 1 + job * TASK_PRIORITY_STEPS + task));
}

/** The BullMQ options of one task of one run: a stable id (adding it twice adds it once), retries, retention. */
export function taskJobOptions(
  jobId: string,
  run: number,
  task: TaskSpec,
  jobPriority: number,
  retry: RetryPolicy,
): JobsOptions {
  return {
    jobId: bullJobId(jobId, run, task.id),
    priority: bullPriority(jobPriority, task.priority),
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffBaseMs },
    removeOnComplete: { count: 2000 },
    removeOnFail: { count: 5000 },
  };
}

interface PendingAdd {
  queue: string;
  job: { name: string; data: TaskJobData; opts: JobsOptions };
}

/**
 * Puts ready tasks on their pool queues. Adds made while the previous batch was in flight go out
 * together, one addBulk per queue: a join's last dependency and a fan-out's tasks cost a round trip,
 * not one each. The same task of the same run is one BullMQ job however often it is added.
 */
export class Enqueuer {
  private pending: PendingAdd[] = [];
  private waiters: { resolve(): void; reject(error: unknown): void }[] = [];
  private flushing = false;

  constructor(
    private readonly queues: QueueSet,
    private readonly retry: RetryPolicy,
  ) {}

  /** Queues `tasks` of one run of a job; resolves once they are in Redis. */
  add(jobId: string, run: number, jobPriority: number, tasks: readonly TaskSpec[]): Promise<void> {
    if (tasks.length === 0) return Promise.resolve();
    for (const task of tasks) {
      this.pending.push({
        queue: queueFor(task.requires),
        job: {
          name: task.kind,
          data: { jobId, run, taskId: task.id },
          opts: taskJobOptions(jobId, run, task, jobPriority, this.retry),
        },
      });
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      const byQueue = new Map<string, PendingAdd['job'][]>();
      for (const { queue, job } of batch) {
        const list = byQueue.get(queue);
        if (list) list.push(job);
        else byQueue.set(queue, [job]);
      }
      try {
        await this.queues.announce([...byQueue.keys()]);
        await Promise.all([...byQueue].map(([queue, jobs]) => this.queues.get(queue).addBulk(jobs)));
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    this.flushing = false;
  }
}
