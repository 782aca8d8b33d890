import type { JobEvent, JobRecord, TaskRecord } from '../engine/types.js';
import { formatDuration, type OutputMode } from './common.js';
import { EncodeTally } from './run-stats.js';

export type ProgressMode = OutputMode;

/**
 * Tasks that encode frames: transcode segments (or a one-segment job's one pass), ladder chunks,
 * render runs of scenes, montage runs of entries.
 */
export const isEncode = (kind: string) =>
  kind.endsWith('.segment') ||
  kind === 'transcode.whole' ||
  kind === 'transcode.ladder-chunk' ||
  kind === 'render.scene' ||
  kind === 'montage.render';

/** Renders job events: a live line on a terminal, plain lines in logs, NDJSON for machines. */
export class ProgressPrinter {
  private progress = 0;
  private eta: number | undefined;
  private total = 0;
  private done = 0;
  private reused = 0;
  private readonly running = new Set<string>();
  private tally = new EncodeTally(new Map());
  private known = new Set<string>();
  private runStartedAt: number | undefined;
  private encodesEndedAt: number | undefined;
  private lastLineAt = 0;
  private shown = false;
  private lastWaiting = '';

  constructor(
    private readonly mode: ProgressMode,
    private readonly out: NodeJS.WritableStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {}

  /** The job's planned tasks: how many segments, and how many frames each. */
  setTasks(tasks: readonly TaskRecord[]): void {
    const segments = tasks.filter((t) => isEncode(t.kind));
    this.total = segments.length;
    this.known = new Set(segments.map((t) => t.id));
    this.tally = new EncodeTally(new Map(segments.map((t) => [t.id, t.weight])));
  }

  /** Whether `taskId` is one of the encodes `setTasks` gave (a graph that grew has new ones). */
  knows(taskId: string): boolean {
    return this.known.has(taskId);
  }

  handle(event: JobEvent): void {
    if (this.mode === 'quiet') return;
    if (event.type === 'job' && event.waitingFor) {
      // A reason comes from the submit's record and from its event: shown once.
      const key = `${event.state} ${event.waitingFor}`;
      if (key === this.lastWaiting) return;
      this.lastWaiting = key;
    }
    if (this.mode === 'json') {
      if (event.type !== 'task-progress') process.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (event.type === 'progress') {
      this.progress = event.progress;
      this.eta = event.etaSec;
    } else if (event.type === 'task-progress') {
      this.tally.progress(event.taskId, event.progress);
      return this.render(false);
    } else if (event.type === 'task' && isEncode(event.kind)) {
      if (event.state === 'running') {
        this.runStartedAt ??= this.now();
        this.running.add(event.taskId);
      } else {
        this.running.delete(event.taskId);
      }
      if (event.state === 'done') {
        this.done += 1;
        if (event.reused) this.reused += 1;
        this.tally.finished(event.taskId, event.reused ?? false);
        if (this.done === this.total) this.encodesEndedAt = this.now();
      }
    } else if (event.type === 'failure') {
      // A failure that ends the job is the command's own error line: printed there, once.
      if (!event.failure.willRetry) return;
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
    // A job whose output still verified ran nothing: the summary says so, no 0/0 line.
    else if (this.mode === 'lines' && job.state === 'done' && this.shown) this.render(true);
  }

  /** Encode rate over the run so far: frames encoded since the first segment started / elapsed. */
  private fps(): number | undefined {
    if (this.runStartedAt === undefined) return undefined;
    // The clock stops with the last encode: the stitch after it encodes nothing.
    const elapsed = ((this.encodesEndedAt ?? this.now()) - this.runStartedAt) / 1000;
    return elapsed >= 1 ? this.tally.encoded / elapsed : undefined;
  }

  private line(): string {
    const pct = (this.progress * 100).toFixed(1).padStart(5);
    const fps = this.fps();
    const reused = this.reused ? ` (${this.reused} reused)` : '';
    const rate = fps !== undefined ? `${Math.round(fps)} fps` : '-- fps';
    return `${pct}%  segments ${this.done}/${this.total}${reused}  ${this.running.size} encoding  ${rate}  ETA ${formatDuration(this.eta)}`;
  }

  private lastLine = '';

  private render(force: boolean): void {
    if (this.total === 0) return;
    const now = this.now();
    if (this.mode === 'tty') {
      if (!force && now - this.lastLineAt < 100) return;
      this.lastLineAt = now;
      this.shown = true;
      this.out.write(`\r\x1b[2K${this.line()}`);
    } else if (force || now - this.lastLineAt > 2000) {
      // A log gets a line when something changed, never the same line twice in a row.
      const line = this.line();
      if (line === this.lastLine) return;
      this.lastLine = line;
      this.lastLineAt = now;
      this.shown = true;
      this.out.write(`${line}\n`);
    }
  }

  private clear(): void {
    if (this.mode === 'tty') this.out.write('\r\x1b[2K');
  }
}
