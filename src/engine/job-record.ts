import { createHash } from 'node:crypto';
import type { ErrorCode } from '../errors.js';
import type { JobError, JobEvent, JobRecord, TaskFailure, TaskRecord, TaskSpec } from './types.js';

let isoMs = Number.NaN;
let isoText = '';

/**
 * `date.toISOString()`, remembered for the last millisecond asked: a busy worker stamps thousands of
 * task records a second, and formatting costs more than the rest of a record's bookkeeping.
 */
export function isoTime(date: Date): string {
  const ms = date.getTime();
  if (ms !== isoMs) {
    isoText = date.toISOString();
    isoMs = ms;
  }
  return isoText;
}

export function newJobRecord(
  id: string,
  type: string,
  spec: unknown,
  priority: number,
  now: Date,
): JobRecord {
  const at = now.toISOString();
  return {
    id,
    type,
    spec,
    state: 'queued',
    createdAt: at,
    updatedAt: at,
    priority,
    progress: 0,
    tasks: [],
    failures: [],
    waitingFor: undefined,
    result: undefined,
    error: undefined,
    usage: {},
  };
}

export function taskRecordFor(task: TaskSpec): TaskRecord {
  return {
    id: task.id,
    kind: task.kind,
    state: 'pending',
    weight: task.weight,
    requires: task.requires,
    attempts: 0,
    worker: undefined,
    startedAt: undefined,
    finishedAt: undefined,
    progress: 0,
    fps: undefined,
    reused: false,
    output: undefined,
    runs: [],
  };
}

/** Weighted completion of a job's tasks, 0..1. */
export function jobProgress(tasks: readonly TaskRecord[]): number {
  const total = tasks.reduce((sum, t) => sum + t.weight, 0);
  if (total === 0) return 0;
  const done = tasks.reduce((sum, t) => sum + t.weight * (t.state === 'done' ? 1 : t.progress), 0);
  return Math.min(1, done / total);
}

/** Sum of the encode rates of a job's running tasks. */
export function jobFps(tasks: readonly TaskRecord[]): number | undefined {
  const running = tasks.filter((t) => t.state === 'running' && t.fps !== undefined);
  return running.length ? running.reduce((sum, t) => sum + (t.fps ?? 0), 0) : undefined;
}

/** The same spec on the same input yields the same id (idempotent submission). */
export function deterministicJobId(type: string, spec: unknown, identity: string): string {
  const hash = createHash('sha256')
    .update(type)
    .update('\0')
    .update(canonicalJson(spec))
    .update('\0')
    .update(identity);
  return `${type.replace(/[^a-z0-9]+/gi, '-')}-${hash.digest('hex').slice(0, 16)}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function failureFrom(
  task: TaskRecord,
  error: { code: ErrorCode; message: string; fatal: boolean; ffmpegTail?: string | undefined },
  willRetry: boolean,
  worker: string | undefined,
  now: Date,
): TaskFailure {
  return {
    task: task.id,
    kind: task.kind,
    attempt: task.attempts,
    willRetry,
    fatal: error.fatal,
    worker,
    code: error.code,
    message: error.message,
    ffmpegTail: error.ffmpegTail,
    at: now.toISOString(),
  };
}

/** The job-level error a failure leaves on the record (ffmpeg's tail and details only when there are some). */
export function jobErrorOf(error: {
  code: ErrorCode;
  message: string;
  fatal?: boolean;
  ffmpegTail?: string | undefined;
  details?: Record<string, unknown> | undefined;
}): JobError {
  return {
    code: error.code,
    message: error.message,
    ...(error.fatal !== undefined ? { fatal: error.fatal } : {}),
    ...(error.ffmpegTail ? { ffmpegTail: error.ffmpegTail } : {}),
    ...(error.details ? { details: error.details } : {}),
  };
}

/** The event for a task's state change; a task done by running says how long it ran and where. Pure. */
export function taskEventOf(jobId: string, record: TaskRecord, worker: string): JobEvent {
  const ran = record.state === 'done' && !record.reused && record.startedAt && record.finishedAt;
  const pool = record.runs?.[record.runs.length - 1]?.pool;
  return {
    type: 'task',
    jobId,
    taskId: record.id,
    kind: record.kind,
    state: record.state,
    worker,
    ...(record.state === 'done' ? { reused: record.reused } : {}),
    ...(ran
      ? {
          seconds: (Date.parse(record.finishedAt!) - Date.parse(record.startedAt!)) / 1000,
          ...(pool ? { pool } : {}),
        }
      : {}),
  };
}
