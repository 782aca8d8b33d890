import type { Redis } from 'ioredis';
import type { TaskRecord } from '../types.js';
import type { RedisKeys } from './keys.js';
import { PUT_TASKS, runScript } from './scripts.js';

/** Task record writes grouped into one command at most. */
const MAX_WRITES_PER_COMMAND = 200;

/** What a record write did, and which dependants it made ready (to be queued by the writer's caller). */
export interface WriteOutcome {
  /** False for a write from a run that is no longer the job's current one. */
  written: boolean;
  /** The job has ended (done, failed or cancelled). */
  ended: boolean;
  ready: string[];
}

interface QueuedWrite {
  row: {
    job: string;
    tasks: string;
    states: string;
    wait: string;
    next: string;
    taskId: string;
    record: string;
    state: string;
    jobId: string;
    run: number;
  };
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

/**
 * Writes task records through the put-tasks script: every write queued while the previous command
 * was in flight goes in the next one, in order (a busy worker finishes tasks by the hundred, and
 * one round trip each would cost more than the tasks). A done write also counts the task's
 * dependants down and returns those now ready.
 */
export class TaskWriter {
  private readonly writes: QueuedWrite[] = [];
  private flushing = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  put(id: string, run: number, record: TaskRecord): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      const k = this.keys;
      this.writes.push({
        row: {
          job: k.job(id),
          tasks: k.tasks(id),
          states: k.states(id),
          wait: k.wait(id, run),
          next: k.next(id, run),
          taskId: record.id,
          record: JSON.stringify(record),
          state: record.state,
          jobId: id,
          run,
        },
        resolve,
        reject,
      });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.writes.length > 0) {
      const batch = this.writes.splice(0, MAX_WRITES_PER_COMMAND);
      try {
        const outcomes = (await runScript(this.redis, PUT_TASKS, {
          keys: {},
          args: { events: this.keys.events, jobEvents: this.keys.jobEvents },
          rows: batch.map((w) => w.row),
        })) as [number, ...string[]][];
        batch.forEach((w, i) => {
          const [status = 0, ...ready] = outcomes[i] ?? [];
          w.resolve({ written: status !== 0, ended: status === 2, ready });
        });
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.flushing = false;
  }
}
