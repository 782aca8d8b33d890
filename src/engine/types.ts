import type { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PathPolicy } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';
import type { DeviceClass } from './capabilities.js';
import type { FleetCapabilities } from './fleet-capabilities.js';
import type { GpuPin } from './gpu-pin.js';

/**
 * What a task needs from the worker that runs it. The device class and routed features (processors)
 * choose its pool queue (see routing.ts); everything else is checked by the worker that takes it.
 */
export interface Requirements {
  /** 'cpu' runs anywhere; a vendor needs that vendor's GPU. */
  device?: DeviceClass;
  /**
   * Named features the worker must offer: `enc:h264_nvenc` (a proven encoder), `hwaccel:cuda`,
   * `proc:upscale` (a configured processor), `font:DejaVu Sans`.
   */
  features?: string[];
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
  /** Order among a job's ready tasks: higher starts first (a whole-file audio task before segments). */
  priority?: number;
  /**
   * Slots of its device the task holds while it runs on the embedded engine (default 1): a
   * frame-threaded encode meant for N cores holds N, a light stream copy none. Fleet workers run
   * one task per slot (their plans use 1).
   */
  slots?: number;
}

export interface TaskGraph {
  tasks: TaskSpec[];
  /** The task whose output is the job's result (a stitch, an aggregate); it needs every other task. */
  rootTaskId: string;
  warnings?: string[]; // what planning warned of (planJob keeps them), shown with the job
}

/**
 * Tasks a running task adds to its own job (a montage's edit list adds one render task per entry
 * and the stitch). New tasks may depend on tasks that exist and on each other; `root` names the
 * job's new root when the expansion brings it. Applied once per expanding task, however often that
 * task runs.
 */
export interface Expansion {
  tasks: TaskSpec[];
  root?: string;
}

/** One run of a task on a worker: what cost per job and the runs view are made of. */
export interface TaskRun {
  attempt: number;
  worker: string;
  /** The pool queue the task was taken from (`ff.cpu`, `ff.nvidia`). */
  pool: string;
  startedAt: string;
  finishedAt: string | undefined;
  outcome: 'running' | 'done' | 'reused' | 'retry' | 'failed' | 'cancelled' | 'handed-back' | 'lost';
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
  code: ErrorCode;
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
  /** Every run of this task, oldest first (the last few hundred at most). */
  runs: TaskRun[];
}

/** The error a failed or cancelled job carries. */
export interface JobError {
  code: ErrorCode;
  message: string;
  /** Retrying cannot help (bad media, bad input), so no Retry is offered. */
  fatal?: boolean;
  ffmpegTail?: string;
  details?: Record<string, unknown>;
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
  error: JobError | undefined;
  /** Worker-seconds the job's task runs took, by pool. */
  usage: Record<string, number>;
  warnings?: string[]; // what its plan warned of (TaskGraph.warnings): an HDR source made 8-bit, ...
}

export interface TaskProgress {
  /** 0..1 */
  fraction: number;
  fps?: number;
}

export type { Logger } from '../logger.js';

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
  /** Storage prefix for the job's intermediates (`scratch/<job>/`); removed as a whole when it is done. */
  scratchPrefix: string;
  /** Outputs of the tasks this one depends on, by task id. */
  inputs: Record<string, unknown>;
  /** The job's spec, as validated. */
  spec: unknown;
  progress(progress: TaskProgress): void;
  log: Logger;
  /** The GPU this attempt holds a slot on, for tasks routed to a GPU queue on a worker that has one. */
  gpu?: GpuPin;
  /**
   * Adds tasks to this job, applied when this task succeeds (with its done record, atomically).
   * Applied once: a re-run of this task after an expansion was stored adds nothing. Task ids must
   * be deterministic for the same inputs.
   */
  expand(expansion: Expansion): void;
  /** Where the job's own files may be, asked when each is opened; absent: unconfined (the CLI). */
  paths?: PathPolicy;
}

export type Executor<P = unknown, R = unknown> = (payload: P, ctx: ExecutorContext) => Promise<R>;

/** Re-checks that a stored output is still intact (exists, size, frame count); false means redo. */
export type CheckpointVerifier<P = unknown, R = unknown> = (
  payload: P,
  output: R,
  ctx: { storage: Storage; signal: AbortSignal; jobId?: string; paths?: PathPolicy },
) => Promise<boolean>;

export interface PlanContext {
  jobId: string;
  /** Storage prefix for the job's intermediates (`scratch/<job>/`); removed as a whole when it is done. */
  scratchPrefix: string;
  storage: Storage;
  signal: AbortSignal;
  log: Logger;
  /** What the fleet (or this machine) can run, for choosing one encoder per job. */
  capabilities: FleetCapabilities;
  /** As in ExecutorContext: planning probes the input, so it opens it confined too. */
  paths?: PathPolicy;
}

export type { FleetCapabilities } from './fleet-capabilities.js';

/** A job type: its spec schema, planner and executors. One folder per pipeline. */
export interface Pipeline<Spec = unknown> {
  type: string;
  parseSpec(input: unknown): Spec;
  plan(spec: Spec, ctx: PlanContext): Promise<TaskGraph>;
  /** Names the planning code: an unfinished job whose stored plan another one made is planned again. */
  planner?: string;
  executors: Record<string, Executor>;
  verifiers?: Record<string, CheckpointVerifier>;
  /** Identity of the job's input (path, size, mtime) so the same spec on the same input maps to one job. */
  identity?(spec: Spec, ctx: { storage: Storage }): Promise<string>;
  /** The files the job reads: their size and mtime are kept when it is planned, and checked on resume. */
  inputFiles?(spec: Spec): string[];
  /**
   * Tasks that only read and measure the inputs: a job refused (a 4xx error) among them, with
   * nothing else done, made nothing a resume could reuse (a command refused leaves no job).
   */
  analysisKinds?: readonly string[];
}

export type JobEvent =
  | { type: 'job'; jobId: string; state: JobState; error?: JobError; waitingFor?: string }
  | { type: 'progress'; jobId: string; progress: number; fps: number | undefined; etaSec: number | undefined }
  | {
      type: 'task';
      jobId: string;
      taskId: string;
      kind: string;
      state: TaskState;
      worker?: string;
      reused?: boolean;
      /** A task done by running (not reused): how long it ran, and the pool it ran in. */
      seconds?: number;
      pool?: string;
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

/** One pool's counts, read in time that does not grow with the number of jobs. */
export interface PoolStats {
  pool: string;
  waiting: number;
  active: number;
  delayed: number;
  finishedLastHour: number;
  failedLastHour: number;
  /** Age of the oldest waiting task, seconds; 0 when none waits. */
  oldestWaitingSec: number;
}

export interface BackendStats {
  pools: PoolStats[];
  jobs: Partial<Record<JobState, number>>;
}

/** A queue backend: the in-process default or Redis/BullMQ. Same contract, same test suite. */
export interface Backend {
  readonly name: string;
  submit(type: string, spec: unknown, options?: SubmitOptions): Promise<JobRecord>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /** A page of jobs, newest first, from an index (never a scan of every job). */
  list(filter?: ListFilter): Promise<{ jobs: JobRecord[]; total: number }>;
  /** Per-pool task counts and per-state job counts, cheap enough for every scrape. */
  stats(): Promise<BackendStats>;
  cancel(jobId: string): Promise<JobRecord | undefined>;
  /** Runs a failed or cancelled job again; local: refused first (INPUT_CHANGED) where its inputs changed. */
  retry(jobId: string): Promise<JobRecord | undefined>;
  /** Forgets a job not running: record and intermediates, never its output (unknown: false; running: CONFLICT). */
  remove(jobId: string): Promise<boolean>;
  /** Resolves when the job reaches done, failed or cancelled. */
  wait(jobId: string, signal?: AbortSignal): Promise<JobRecord>;
  subscribe(listener: (event: JobEvent) => void): () => void;
  close(): Promise<void>;
}

export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];
