import type { JobEvent, JobRecord } from '../engine/types.js';
import { formatDuration } from './common.js';

export type ProgressMode = 'tty' | 'lines' | 'json' | 'quiet';

/** Renders job events: a live line on a terminal, plain lines in logs, NDJSON for machines. */
export class ProgressPrinter {
  private last = { progress: 0, fps: undefined as number | undefined, eta: undefined as number | undefined };
  private done = 0;
  private reused = 0;
  private lastLineAt = 0;

  constructor(
    private readonly mode: ProgressMode,
    private readonly total: () => number,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  handle(event: JobEvent): void {
    if (this.mode === 'quiet') return;
    if (this.mode === 'json') {
      if (event.type !== 'task-progress') process.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (event.type === 'progress') {
      // A segment that just started reports 0 fps; keep the last real rate instead of flickering to 0.
      this.last = { progress: event.progress, fps: event.fps || this.last.fps, eta: event.etaSec };
    } else if (event.type === 'task' && event.state === 'done' && event.kind.endsWith('.segment')) {
      this.done += 1;
      if (event.reused) this.reused += 1;
    } else if (event.type === 'failure') {
      this.clear();
      const f = event.failure;
      this.out.write(
        `${f.task} failed (attempt ${f.attempt}${f.willRetry ? ', will retry' : ''}): ${f.message}\n`,
      );
    } else if (event.type === 'job' && event.waitingFor) {
      this.clear();
      this.out.write(`${event.waitingFor}\n`);
    } else {
      return;
    }
    this.render(event.type === 'task');
  }

  finish(job: JobRecord): void {
    if (this.mode === 'tty') this.clear();
    else if (this.mode === 'lines' && job.state === 'done') this.render(true);
  }

  private line(): string {
    const pct = (this.last.progress * 100).toFixed(1).padStart(5);
    const fps = this.last.fps !== undefined ? `${Math.round(this.last.fps)} fps` : '-- fps';
    const reused = this.reused ? ` (${this.reused} reused)` : '';
    return `${pct}%  segments ${this.done}/${this.total()}${reused}  ${fps}  ETA ${formatDuration(this.last.eta)}`;
  }

  private render(force: boolean): void {
    const now = Date.now();
    if (this.mode === 'tty') {
      this.out.write(`\r\x1b[2K${this.line()}`);
    } else if (force || now - this.lastLineAt > 2000) {
      this.lastLineAt = now;
      this.out.write(`${this.line()}\n`);
    }
  }

  private clear(): void {
    if (this.mode === 'tty') this.out.write('\r\x1b[2K');
  }
}
