import type { TaskRecord } from '../types.js';
import type { FleetContext } from './fleet-context.js';

/**
 * A task's start is recorded only when it is still running this long after: shorter tasks show up
 * once, done, and cost one Redis write instead of two.
 */
const RUNNING_RECORD_DELAY_MS = 100;

/** A task start not recorded yet; `written` is its record write once the ticker made it. */
export interface PendingStart {
  at: number;
  ctx: FleetContext;
  jobId: string;
  run: number;
  record: TaskRecord;
  written: Promise<unknown> | undefined;
}

/**
 * Records the starts of a worker's tasks that are still running RUNNING_RECORD_DELAY_MS after they
 * began, with one timer for all of them (a timer per task costs more than a short task).
 */
export class StartRecorder {
  private readonly pending = new Set<PendingStart>();
  private ticker: NodeJS.Timeout | undefined;

  add(ctx: FleetContext, jobId: string, run: number, record: TaskRecord): PendingStart {
    const start: PendingStart = { at: Date.now(), ctx, jobId, run, record, written: undefined };
    this.pending.add(start);
    this.ticker ??= setInterval(() => this.tick(), RUNNING_RECORD_DELAY_MS / 2).unref();
    return start;
  }

  /** Stops a pending start record; a write already made is awaited, so the end record lands after it. */
  async settle(start: PendingStart): Promise<void> {
    this.pending.delete(start);
    if (start.written) await start.written;
  }

  private tick(): void {
    const due = Date.now() - RUNNING_RECORD_DELAY_MS;
    // Oldest first: the set keeps insertion order.
    for (const start of this.pending) {
      if (start.at > due) break;
      this.pending.delete(start);
      const { ctx, jobId, run, record } = start;
      start.written = ctx.store
        .putTask(jobId, run, { ...record })
        .catch((error: unknown) =>
          ctx.log.warn({ jobId, task: record.id, err: String(error) }, 'cannot mark task running'),
        );
    }
    if (this.pending.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}
