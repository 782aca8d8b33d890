import type { TaskRecord } from '../engine/types.js';

export interface RunStats {
  segments: number;
  reused: number;
  /** Frames encoded by this run (reused segments excluded). */
  encodedFrames: number;
  /** Most segment encodes that ran at the same time: the slots the job really used. */
  peakParallel: number;
  /** Distinct workers that encoded a segment. */
  workers: number;
  /** From the first encode's start to the last one's end, seconds. */
  encodeSec: number;
  /** The job's encode rate over its run: frames encoded / encodeSec. */
  fps: number | undefined;
}

// Encoded pieces: transcode segments and ladder chunks, render scenes and crossfades.
const isSegment = (t: TaskRecord) => /\.(segment|whole|scene|crossfade|ladder-chunk)$/.test(t.kind);

/**
 * Frames a finished task put in the output: a render task's own count (its weight counts a
 * crossfade's frames twice, for the two scenes it draws), else its weight (a ladder chunk's counts
 * every rung's frames).
 */
function outputFrames(t: TaskRecord): number {
  const frames = (t.output as { frames?: unknown } | undefined)?.frames;
  return t.kind.startsWith('render.') && typeof frames === 'number' ? frames : t.weight;
}

/** What a finished run did, from its task records' frames and timings. Pure. */
export function runStats(tasks: readonly TaskRecord[]): RunStats {
  const segments = tasks.filter(isSegment);
  const ran = segments.filter((t) => t.state === 'done' && !t.reused && t.startedAt && t.finishedAt);
  const spans = ran.map((t) => ({ start: Date.parse(t.startedAt!), end: Date.parse(t.finishedAt!) }));
  // Sweep the start and end instants; at equal times an end frees its slot before a start takes it.
  const edges = spans
    .flatMap((s) => [
      { at: s.start, delta: 1 },
      { at: s.end, delta: -1 },
    ])
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let peakParallel = 0;
  for (const edge of edges) {
    now += edge.delta;
    peakParallel = Math.max(peakParallel, now);
  }
  const encodedFrames = ran.reduce((sum, t) => sum + outputFrames(t), 0);
  const encodeSec = spans.length
    ? (Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))) / 1000
    : 0;
  return {
    segments: segments.length,
    reused: segments.filter((t) => t.reused).length,
    encodedFrames,
    peakParallel,
    workers: new Set(ran.map((t) => t.worker).filter(Boolean)).size,
    encodeSec,
    fps: encodeSec > 0 ? encodedFrames / encodeSec : undefined,
  };
}

/**
 * Frames encoded so far in a live run, from per-task progress: what a progress line divides by the
 * run's elapsed time (the momentary rates of running encodes do not add up to the job's rate).
 */
export class EncodeTally {
  private readonly frames = new Map<string, number>();
  private readonly done = new Map<string, number>();

  constructor(private readonly weights: ReadonlyMap<string, number>) {}

  progress(taskId: string, fraction: number): void {
    const weight = this.weights.get(taskId);
    if (weight !== undefined && !this.done.has(taskId)) this.frames.set(taskId, weight * fraction);
  }

  finished(taskId: string, reused: boolean): void {
    const weight = this.weights.get(taskId);
    if (weight === undefined) return;
    this.frames.delete(taskId);
    this.done.set(taskId, reused ? 0 : weight);
  }

  get encoded(): number {
    let sum = 0;
    for (const n of this.frames.values()) sum += n;
    for (const n of this.done.values()) sum += n;
    return sum;
  }
}
