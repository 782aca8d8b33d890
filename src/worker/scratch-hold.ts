import type { Worker } from 'bullmq';
import type { Logger } from '../engine/types.js';
import { bytes, freeSpace, show } from '../errors.js';

/** How long a fleet worker whose own scratch disk filled takes no tasks, by default. */
export const OWN_DISK_FULL_PAUSE_MS = 30_000;

export interface ScratchHoldOptions {
  pauseMs: number;
  scratchRoot: string;
  log: Logger;
  /** The BullMQ workers of the task queues (not the control queue: a plan writes nothing here). */
  taskWorkers: () => Iterable<Worker>;
}

/**
 * A fleet worker's pause after its own scratch disk filled: its task queues stop fetching for
 * `pauseMs` after the last full disk, so the task that did not fit, and the next ones, go to
 * workers with room instead of coming back here at once; then it takes tasks again.
 */
export class ScratchHold {
  private until = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ScratchHoldOptions) {}

  /** Taking no tasks now. */
  held(): boolean {
    return this.until > Date.now();
  }

  /** Stops taking tasks for `pauseMs` from now: `path` did not fit on this worker's scratch disk. */
  hold(path: string): void {
    if (this.stopped) return;
    const { pauseMs, log } = this.options;
    const first = !this.held();
    this.until = Date.now() + pauseMs;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.release(), pauseMs);
    for (const worker of this.options.taskWorkers()) void worker.pause(true).catch(() => undefined);
    if (first) {
      log.warn(
        { path, pauseMs, scratch: this.options.scratchRoot, ...this.room() },
        `this worker's scratch disk is full (${show(path)} did not fit): it takes no tasks for ${pauseMs / 1000} s, ` +
          `its tasks go to workers with room meanwhile`,
      );
    }
  }

  /** Ends the pause for good (the worker is stopping): nothing is resumed after. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private release(): void {
    if (this.stopped) return;
    this.until = 0;
    for (const worker of this.options.taskWorkers()) void worker.resume().catch(() => undefined);
    const { freeBytes, totalBytes } = this.room();
    this.options.log.info(
      { scratch: this.options.scratchRoot, freeBytes },
      `this worker takes tasks again (scratch ${show(this.options.scratchRoot)}: ` +
        `${freeBytes === undefined ? 'free space unknown' : `${bytes(freeBytes)} free of ${bytes(totalBytes ?? 0)}`})`,
    );
  }

  private room(): { freeBytes?: number; totalBytes?: number } {
    const space = freeSpace(this.options.scratchRoot);
    return space ? { freeBytes: space.free, totalBytes: space.total } : {};
  }
}
