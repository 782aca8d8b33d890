import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GpuPin } from '../cluster/gpu-pin.js';
import type { Storage } from '../storage/types.js';
import type { ExecutorContext, Logger, Pipeline, TaskProgress, TaskSpec } from './types.js';

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
}

export interface AttemptResult {
  output: unknown;
  reused: boolean;
}

/** Runs one attempt of a task: reuse a verified checkpoint, else execute in a private scratch dir. */
export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const { pipeline, task } = input;
  const verify = pipeline.verifiers?.[task.kind];
  if (input.previousOutput !== undefined && verify) {
    const ok = await verify(task.payload, input.previousOutput, {
      storage: input.storage,
      signal: input.signal,
    }).catch(() => false);
    if (ok) return { output: input.previousOutput, reused: true };
  }
  const executor = pipeline.executors[task.kind]!;
  // Created on first use: most control-plane tasks never touch disk, and mkdtemp+rm per task costs
  // more than a whole BullMQ round trip.
  let scratchDir: string | undefined;
  const ctx: ExecutorContext = {
    jobId: input.jobId,
    taskId: task.id,
    attempt: input.attempt,
    workerId: input.workerId,
    signal: input.signal,
    storage: input.storage,
    get scratchDir() {
      if (scratchDir === undefined) {
        scratchDir = join(input.scratchRoot, `${task.id}-${randomBytes(6).toString('hex')}`);
        mkdirSync(scratchDir, { recursive: true });
      }
      return scratchDir;
    },
    inputs: input.inputs,
    spec: input.spec,
    progress: input.progress,
    log: input.log,
    ...(input.gpu ? { gpu: input.gpu } : {}),
  };
  try {
    return { output: await executor(task.payload, ctx), reused: false };
  } finally {
    if (scratchDir !== undefined) await rm(scratchDir, { recursive: true, force: true });
  }
}

/** Exponential backoff with a cap: 1 s, 2 s, 4 s ... */
export function backoffMs(attempt: number, baseMs: number, capMs = 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
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
