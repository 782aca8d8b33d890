import { afterEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/engine/local/local-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { Pipeline } from '../../src/engine/types.js';
import { FramefleetError } from '../../src/errors.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { tempDir } from '../helpers/media.js';
import { silentLogger } from '../../src/logger.js';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => (clearTimeout(t), reject(new FramefleetError('CANCELLED', 'aborted'))),
    );
  });

interface Spec {
  n: number;
  failTimes?: number;
  fatal?: boolean;
  planMs?: number;
}

/** A job type with n leaf tasks and a root; leaves can fail a number of times first. */
function testPipeline(calls: string[]): Pipeline<Spec> {
  const failures = new Map<string, number>();
  return {
    type: 'test',
    parseSpec: (s) => s as Spec,
    plan: async (spec, ctx) => {
      await sleep(spec.planMs ?? 0, ctx.signal);
      const leaves = Array.from({ length: spec.n }, (_, i) => ({
        id: `leaf-${i}`,
        kind: 'test.leaf',
        payload: spec,
        requires: {},
        dependsOn: [],
        weight: 1,
      }));
      const root = {
        id: 'root',
        kind: 'test.root',
        payload: spec,
        requires: {},
        dependsOn: leaves.map((l) => l.id),
        weight: 1,
      };
      return { tasks: [...leaves, root], rootTaskId: 'root' };
    },
    executors: {
      'test.leaf': async (payload, ctx) => {
        const spec = payload as Spec;
        calls.push(ctx.taskId);
        const failed = failures.get(ctx.taskId) ?? 0;
        if (failed < (spec.failTimes ?? 0)) {
          failures.set(ctx.taskId, failed + 1);
          throw new FramefleetError(spec.fatal ? 'INPUT_CORRUPT' : 'FFMPEG_FAILED', `boom ${ctx.taskId}`);
        }
        await sleep(5, ctx.signal);
        return { leaf: ctx.taskId };
      },
      'test.root': async (_p, ctx) => ({ joined: Object.keys(ctx.inputs).length }),
    },
  };
}

describe('LocalBackend', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function open(calls: string[], slots = 2) {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const backend = await LocalBackend.open({
      dataDir: dir,
      registry: new PipelineRegistry([testPipeline(calls) as Pipeline]),
      storage: new FileStorage(dir),
      capabilities: async () => ({ encoders: [], hwaccels: [], devices: ['cpu'], slots }),
      slots: { cpu: slots },
      log: silentLogger,
      backoffBaseMs: 5,
    });
    cleanups.unshift(() => backend.close());
    return backend;
  }

  it('runs leaves before the root and gives the root their outputs', async () => {
    const backend = await open([]);
    const job = await backend.submit('test', { n: 5 });
    const done = await backend.wait(job.id);
    expect(done.state).toBe('done');
    expect(done.result).toEqual({ joined: 5 });
    expect(done.progress).toBe(1);
  });

  it('retries transient failures with backoff and records them as data', async () => {
    const calls: string[] = [];
    const backend = await open(calls);
    const done = await backend.wait((await backend.submit('test', { n: 2, failTimes: 2 })).id);
    expect(done.state).toBe('done');
    expect(calls.filter((c) => c === 'leaf-0')).toHaveLength(3);
    expect(done.failures.filter((f) => f.task === 'leaf-0').map((f) => f.willRetry)).toEqual([true, true]);
  });

  it('does not retry fatal errors and fails the job with the task error', async () => {
    const calls: string[] = [];
    const backend = await open(calls, 1);
    const done = await backend.wait((await backend.submit('test', { n: 3, failTimes: 1, fatal: true })).id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'INPUT_CORRUPT', message: 'boom leaf-0' });
    expect(calls).toEqual(['leaf-0']);
  });

  it('is idempotent: the same spec maps to the same job', async () => {
    const backend = await open([]);
    const a = await backend.submit('test', { n: 1 });
    const b = await backend.submit('test', { n: 1 });
    expect(b.id).toBe(a.id);
    expect((await backend.list()).total).toBe(1);
  });

  it('cancel during planning, then retry, runs the job to the end', async () => {
    const backend = await open([]);
    const job = await backend.submit('test', { n: 2, planMs: 200 });
    await sleep(20);
    expect((await backend.cancel(job.id))!.state).toBe('cancelled');
    const retried = await backend.retry(job.id);
    expect(retried!.state).not.toBe('cancelled');
    const done = await backend.wait(job.id);
    expect(done.state).toBe('done');
  });

  it('close() interrupts running tasks without cancelling the job, so it resumes later', async () => {
    const backend = await open([]);
    const job = await backend.submit('test', { n: 4, planMs: 0 });
    await sleep(2);
    await backend.close();
    const after = await backend.get(job.id);
    expect(after!.state).not.toBe('cancelled');
    expect(after!.state).not.toBe('failed');
  });

  it('refuses an unknown job type with the value', async () => {
    const backend = await open([]);
    await expect(backend.submit('nope', {})).rejects.toThrow(/unknown job type `nope`/);
  });
});
