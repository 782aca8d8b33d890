import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PathPolicy } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';
import { FramefleetError, show } from '../errors.js';
import type { GpuPin } from './gpu-pin.js';
import { checkInputs, type InputStamp } from './input-stamps.js';
import { jobScratchDir, scratchPrefix } from './lifecycle.js';
import type { ExecutorContext, Expansion, Logger, Pipeline, TaskProgress, TaskSpec } from './types.js';

export interface AttemptInput {
  pipeline: Pipeline;
  task: TaskSpec;
  /** Output recorded by an earlier attempt or run; reused only if it re-verifies. */
  previousOutput: unknown;
  jobId: string;
  spec: unknown;
  inputs: Record<string, unknown>;
  attempt: number;
  workerId: string;
  storage: Storage;
  signal: AbortSignal;
  scratchRoot: string;
  log: Logger;
  progress(progress: TaskProgress): void;
  gpu?: GpuPin;
  /** Names the attempt's scratch directory; random by default. */
  newId?: () => string;
  /** The runtime's path policy, passed to the executor and the checkpoint verifier. */
  paths?: PathPolicy;
  /**
   * The job's inputs as planned: each is checked to be the same file once the executor is done, so
   * an output made (or partly made) from a file overwritten meanwhile is refused (INPUT_CHANGED).
   */
  inputStamps?: readonly InputStamp[];
}

export interface AttemptResult {
  output: unknown;
  reused: boolean;
  /** Tasks the executor added to its job, applied with its done record. */
  expansion: Expansion | undefined;
}

/** Runs one attempt of a task: reuse a verified checkpoint, else execute in a private scratch dir. */
export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const { pipeline, task } = input;
  const verify = pipeline.verifiers?.[task.kind];
  if (input.previousOutput !== undefined && verify) {
    const ok = await verify(task.payload, input.previousOutput, {
      storage: input.storage,
      signal: input.signal,
      jobId: input.jobId,
      paths: input.paths,
    }).catch(() => false);
    if (ok) return { output: input.previousOutput, reused: true, expansion: undefined };
  }
  const executor = pipeline.executors[task.kind];
  if (!executor) {
    throw new FramefleetError('INVALID_GRAPH', `no executor for task kind ${show(task.kind)}`);
  }
  const ctx = new AttemptContext(input);
  try {
    const output = await executor(task.payload, ctx);
    // A new user's trial overwrote the input mid-job: a segment read half of each file and the
    // retry the new one, and the stitched output verified (the frame count matched).
    // Held inside the input roots where there are any: a link swapped in is PATH_FORBIDDEN, never
    // followed to say the size and time of a file outside them.
    await checkInputs(input.inputStamps, input.jobId, (await input.paths?.rootsFor(input.jobId))?.input);
    return { output, reused: false, expansion: ctx.expansion };
  } finally {
    if (ctx.madeScratch !== undefined) await rm(ctx.madeScratch, { recursive: true, force: true });
  }
}

/**
 * What an executor sees of its attempt. The scratch directory is created on first use: most
 * control-plane tasks never touch disk, and mkdtemp+rm per task costs more than a whole BullMQ
 * round trip. A class, not an object literal with a getter: one is made per task.
 */
class AttemptContext implements ExecutorContext {
  readonly jobId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly workerId: string;
  readonly signal: AbortSignal;
  readonly storage: Storage;
  readonly inputs: Record<string, unknown>;
  readonly spec: unknown;
  readonly scratchPrefix: string;
  readonly progress: (progress: TaskProgress) => void;
  readonly log: Logger;
  readonly gpu?: GpuPin;
  readonly paths?: PathPolicy;
  madeScratch: string | undefined;
  expansion: Expansion | undefined;

  constructor(private readonly input: AttemptInput) {
    this.jobId = input.jobId;
    this.taskId = input.task.id;
    this.attempt = input.attempt;
    this.workerId = input.workerId;
    this.signal = input.signal;
    this.storage = input.storage;
    this.inputs = input.inputs;
    this.spec = input.spec;
    this.scratchPrefix = scratchPrefix(input.jobId);
    this.progress = input.progress;
    this.log = input.log;
    if (input.gpu) this.gpu = input.gpu;
    if (input.paths) this.paths = input.paths;
  }

  expand(expansion: Expansion): void {
    if (this.expansion)
      throw new FramefleetError('INVALID_GRAPH', `task ${show(this.taskId)} expanded twice`);
    this.expansion = structuredClone(expansion);
  }

  get scratchDir(): string {
    if (this.madeScratch === undefined) {
      const id = this.input.newId?.() ?? randomBytes(6).toString('hex');
      this.madeScratch = join(this.input.scratchRoot, jobScratchDir(this.jobId), `${this.taskId}-${id}`);
      mkdirSync(this.madeScratch, { recursive: true });
    }
    return this.madeScratch;
  }
}

/**
 * Exponential backoff: 1 s, 2 s, 4 s ... for a base of 1 s, BullMQ's `exponential` (the fleet's) to
 * the millisecond, so `retry:` in framefleet.yaml means the same waits in both engines.
 */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.round(baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * An AbortController whose signal all of a job's running tasks share (cancels come per job): each
 * running ffmpeg adds a listener, so the usual 10-listener leak warning does not apply.
 */
export function jobAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
