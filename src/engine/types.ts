import type { GpuPin } from '../cluster/gpu-pin.js';
import type { Storage } from '../storage/types.js';

/** What a task needs from the worker that runs it; the queue name is derived from this. */
export interface Requirements {
  /** 'cpu' runs anywhere; a vendor needs that vendor's GPU. */
  device?: 'cpu' | 'nvidia' | 'amd' | 'intel' | 'apple';
  /** An exact ffmpeg encoder the worker must have proven, e.g. 'h264_nvenc'. */
  encoder?: string;
  /** An ffmpeg hwaccel the worker must support for decoding, e.g. 'cuda'. */
  hwaccel?: string;
  minMemoryMb?: number;
  minVramMb?: number;
  /** Largest frame width x height the worker must handle. */
  maxPixels?: number;
}

/** One node of a job's task graph as planned. */
export interface TaskSpec<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  requires: Requirements;
  /** Ids of tasks whose outputs this one needs; it starts only when they are done. */
  dependsOn: string[];
  /** Relative cost (frames, seconds) for progress and ETA. */
  weight: number;
}

export interface TaskGraph {
  tasks: TaskSpec[];
  /** The task whose output is the job's result (a stitch, an aggregate). */
  rootTaskId: string;
}

export type JobState = 'queued' | 'planning' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';
export type TaskState = 'pending' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A failure is data: kept with the job and shown by the CLI and the API. */
export interface TaskFailure {
  task: string;
  kind: string;
  attempt: number;
  willRetry: boolean;
  fatal: boolean;
  worker: string | undefined;
  code: string;
  message: string;
  ffmpegTail: string | undefined;
  at: string;
}

export interface TaskRecord {
  id: string;
  kind: string;
  state: TaskState;
  weight: number;
  requires: Requirements;
  attempts: number;
  worker: string | undefined;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  /** 0..1 within this task. */
  progress: number;
  fps: number | undefined;
  /** Set when the output was reused from a verified checkpoint instead of recomputed. */
  reused: boolean;
  output: unknown;
}

export interface JobRecord {
  id: string;
  type: string;
  spec: unknown;
  state: JobState;
  createdAt: string;
  updatedAt: string;
  priority: number;
  /** 0..1 over the whole job, weighted by task weight. */
  progress: number;
  tasks: TaskRecord[];
  failures: TaskFailure[];
  /** Why a job is waiting, for example "waiting for a worker with encoder h264_nvenc". */
  waitingFor: string | undefined;
  result: unknown;
  /** `fatal`: retrying cannot help (bad media, bad input), so no Retry is offered. */
  error: { code: string; message: string; fatal?: boolean; ffmpegTail?: string } | undefined;
}

export interface TaskProgress {
  /** 0..1 */
  fraction: number;
  fps?: number;
}

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/** What an executor gets besides its payload. Everything from the world comes through here. */
export interface ExecutorContext {
  jobId: string;
  taskId: string;
  attempt: number;
  workerId: string;
  signal: AbortSignal;
  storage: Storage;
  /** Local scratch directory for this attempt; removed afterwards. */
  scratchDir: string;
  /** Outputs of the tasks this one depends on, by task id. */
  inputs: Record<string, unknown>;
  /** The job's spec, as validated. */
  spec: unknown;
  progress(progress: TaskProgress): void;
  log: Logger;
  /** The GPU this attempt holds a slot on, for tasks routed to a GPU queue on a worker that has one. */
  gpu?: GpuPin;
}

export type Executor<P = unknown, R = unknown> = (payload: P, ctx: ExecutorContext) => Promise<R>;

/** Re-checks that a stored output is still intact (exists, size, frame count); false means redo. */
export type CheckpointVerifier<P = unknown, R = unknown> = (
  payload: P,
  output: R,
  ctx: { storage: Storage; signal: AbortSignal },
) => Promise<boolean>;

export interface PlanContext {
  jobId: string;
  storage: Storage;
  signal: AbortSignal;
  log: Logger;
  /** What the fleet (or this machine) can run, for choosing one encoder per job. */
  capabilities: FleetCapabilities;
}

export interface FleetCapabilities {
  /** Encoders proven by a smoke test on at least one live worker. */
  encoders: string[];
  hwaccels: string[];
  devices: Requirements['device'][];
  /** Encode slots that can run at once (fleet-wide); the default fan-out scales with it. */
  slots: number;
}

/** A job type: its spec schema, its planner and its executors. One folder per pipeline. */
export interface Pipeline<Spec = unknown> {
  type: string;
  parseSpec(input: unknown): Spec;
  plan(spec: Spec, ctx: PlanContext): Promise<TaskGraph>;
  executors: Record<string, Executor>;
  verifiers?: Record<string, CheckpointVerifier>;
  /** Identity of the job's input (path, size, mtime) so the same spec on the same input maps to one job. */
  identity?(spec: Spec, ctx: { storage: Storage }): Promise<string>;
}

export type JobEvent =
  | { type: 'job'; jobId: string; state: JobState; error?: JobRecord['error']; waitingFor?: string }
  | { type: 'progress'; jobId: string; progress: number; fps: number | undefined; etaSec: number | undefined }
  | {
      type: 'task';
      jobId: string;
      taskId: string;
      kind: string;
      state: TaskState;
      worker?: string;
      reused?: boolean;
      /** A task done by running (not reused): how long it ran, and the encoder it needed if any. */
      seconds?: number;
      encoder?: string;
    }
  | { type: 'task-progress'; jobId: string; taskId: string; progress: number; fps: number | undefined }
  | { type: 'failure'; jobId: string; failure: TaskFailure };

export interface SubmitOptions {
  priority?: number;
  /** Explicit id; by default derived from the spec and the input's identity (idempotent submit). */
  jobId?: string;
}

export interface ListFilter {
  state?: JobState;
  offset?: number;
  limit?: number;
}

/** A queue backend: the in-process default or Redis/BullMQ. Same contract, same test suite. */
export interface Backend {
  readonly name: string;
  submit(type: string, spec: unknown, options?: SubmitOptions): Promise<JobRecord>;
  get(jobId: string): Promise<JobRecord | undefined>;
  list(filter?: ListFilter): Promise<{ jobs: JobRecord[]; total: number }>;
  cancel(jobId: string): Promise<JobRecord | undefined>;
  retry(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Forgets a job that is not running: its record and intermediates, never its output. False for an
   * unknown id; CONFLICT while the job runs (cancel it first).
   */
  remove(jobId: string): Promise<boolean>;
  /** Resolves when the job reaches done, failed or cancelled. */
  wait(jobId: string, signal?: AbortSignal): Promise<JobRecord>;
  subscribe(listener: (event: JobEvent) => void): () => void;
  close(): Promise<void>;
}

export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];
