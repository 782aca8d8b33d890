export interface QueueInfo {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  oldestWaitingSec: number;
  finishedLastHour: number;
  failedLastHour: number;
}

export interface QueueSample {
  at: string;
  waiting: number;
  active: number;
  /** Tasks finished since the previous sample. */
  completed: number;
}

const HOUR_MS = 3_600_000;

/** Samples queue depths on a timer and keeps the last hour, for the dashboard's chart. */
export class QueueHistory {
  private readonly buffer: QueueSample[] = [];
  private completed = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly depths: () => Promise<QueueInfo[]>,
    private readonly sampleMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.sample(), sampleMs);
    this.timer.unref();
    void this.sample();
  }

  countCompleted(n = 1): void {
    this.completed += n;
  }

  async sample(): Promise<void> {
    const queues = await this.depths().catch(() => undefined);
    if (!queues) return;
    const now = this.clock();
    this.buffer.push({
      at: new Date(now).toISOString(),
      waiting: queues.reduce((sum, q) => sum + q.waiting, 0),
      active: queues.reduce((sum, q) => sum + q.active, 0),
      completed: this.completed,
    });
    this.completed = 0;
    const keep = Math.ceil(HOUR_MS / this.sampleMs) + 1;
    if (this.buffer.length > keep) this.buffer.splice(0, this.buffer.length - keep);
  }

  samples(): QueueSample[] {
    const cutoff = this.clock() - HOUR_MS;
    return this.buffer.filter((s) => Date.parse(s.at) >= cutoff);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
