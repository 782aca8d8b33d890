import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import type { Enqueuer } from '../../src/engine/redis/enqueue.js';
import type { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { FramefleetError } from '../../src/errors.js';
import type { JobEvent, Pipeline } from '../../src/engine/types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import type { FleetWorker } from '../../src/worker/fleet-worker.js';
import { fanOutGraph } from '../../bench/lib/fan-out.js';
import { tempDir } from '../helpers/media.js';
import {
  cpuWorkerCapabilities,
  type FleetOfOne,
  fleetOfOne,
  REDIS_URL,
  uniquePrefix,
  until,
} from './redis-fixtures.js';

// Tasks that finish at once, gathered by a root that checks it got every child's output.
interface FanSpec {
  tasks: number;
  nonce: string;
  /** Task t0 takes this long (the others finish at once). */
  firstTaskMs?: number;
}
const fanPipeline: Pipeline<FanSpec> = {
  type: 'fan-test',
  parseSpec: (input) => input as FanSpec,
  plan: async (spec) =>
    fanOutGraph(
      spec.tasks,
      'fan.task',
      (i) => ({ i, ms: i === 0 ? (spec.firstTaskMs ?? 0) : 0 }),
      'fan.root',
    ),
  executors: {
    'fan.task': async (payload, ctx) => {
      const { i, ms } = payload as { i: number; ms: number };
      if (ms > 0) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new FramefleetError('CANCELLED', `task ${i} cancelled`));
          });
        });
      }
      return { n: i };
    },
    'fan.root': async (_payload, ctx) => {
      const sum = Object.values(ctx.inputs).reduce((s: number, o) => s + (o as { n: number }).n, 0);
      return { inputs: Object.keys(ctx.inputs).length, sum };
    },
  },
};

describe('task records of short tasks (real Redis, real BullMQ)', () => {
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('records');
  const registry = new PipelineRegistry([fanPipeline as Pipeline]);
  let temp: { dir: string; cleanup: () => Promise<void> };
  let worker: FleetWorker;
  let backend: RedisBackend;
  let fleet: FleetOfOne;
  const events: JobEvent[] = [];

  beforeAll(async () => {
    temp = await tempDir('ff-records-');
    const storage = new FileStorage(temp.dir);
    fleet = await fleetOfOne({
      redis,
      prefix,
      registry,
      storage,
      capabilities: cpuWorkerCapabilities('records'),
      concurrency: 8,
    });
    ({ worker, backend } = fleet);
    backend.subscribe((event) => events.push(event));
  });

  afterAll(async () => {
    await fleet.stop();
    await redis.quit();
    await temp.cleanup();
  });

  const doneEvents = (jobId: string) =>
    events.filter((e) => e.jobId === jobId && e.type === 'task' && e.state === 'done');

  it('records every task done, gives the root every output, and publishes one done event per task', async () => {
    const job = await backend.wait((await backend.submit('fan-test', { tasks: 60, nonce: 'a' })).id);
    expect(job.state).toBe('done');
    expect(job.result).toEqual({ inputs: 60, sum: (59 * 60) / 2 });
    expect(job.tasks).toHaveLength(61);
    expect(job.tasks.every((t) => t.state === 'done' && t.attempts === 1)).toBe(true);
    expect(job.tasks.find((t) => t.id === 't7')?.output).toEqual({ n: 7 });
    await new Promise((r) => setTimeout(r, 500));
    const ids = doneEvents(job.id).map((e) => (e.type === 'task' ? e.taskId : ''));
    expect(ids.sort()).toEqual(job.tasks.map((t) => t.id).sort());
    // The worker's own metrics count them: a counter by kind and outcome, a histogram by kind.
    const text = await worker.metrics.registry.metrics();
    expect(text).toContain('# TYPE framefleet_worker_tasks_total counter');
    expect(text).toContain('framefleet_worker_tasks_total{kind="fan.task",outcome="done"} 60');
    expect(text).toContain('framefleet_worker_tasks_total{kind="fan.root",outcome="done"} 1');
    expect(text).toContain('# TYPE framefleet_worker_task_seconds histogram');
    // Tiny tasks, but a loaded 2-core machine can hold one past the first bucket: cumulative buckets
    // must never fall, and every task is in by the minute.
    const buckets = [
      ...text.matchAll(/framefleet_worker_task_seconds_bucket\{le="([^"]+)",kind="fan\.task"\} (\d+)/g),
    ];
    const counts = buckets.map((m) => Number(m[2]));
    expect(buckets.map((m) => m[1])).toEqual(['0.1', '0.5', '1', '5', '15', '60', '300', '1800', '+Inf']);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(text).toContain('framefleet_worker_task_seconds_bucket{le="60",kind="fan.task"} 60');
    expect(text).toContain('framefleet_worker_task_seconds_bucket{le="+Inf",kind="fan.task"} 60');
    expect(text).toContain('framefleet_worker_task_seconds_count{kind="fan.task"} 60');
    expect(text).toMatch(/framefleet_worker_task_seconds_sum\{kind="fan.task"\} [0-9.e-]+\n/);
  });

  it('shows short tasks done within a moment while a long sibling still runs', async () => {
    const id = (await backend.submit('fan-test', { tasks: 12, nonce: 'd', firstTaskMs: 2500 })).id;
    const started = Date.now();
    let states: string[] = [];
    while (Date.now() - started < 2000) {
      states = ((await backend.get(id))?.tasks ?? []).map((t) => t.state);
      if (states.filter((s) => s === 'done').length === 11 && states[0] === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // t0 is recorded running (it outlived the start delay); the eleven others show up once, done.
    expect(states).toEqual(['running', ...Array<string>(11).fill('done'), 'pending']);
    expect((await backend.wait(id)).state).toBe('done');
  });

  // A new user's fleet trial saw cancelled tasks counted as failures, in the pool's failed count
  // and the worker's tasks_total{outcome="failed"}.
  it('a task stopped by its job being cancelled is counted cancelled, not failed', async () => {
    const failedBefore = (await backend.stats()).pools.reduce((n, p) => n + p.failedLastHour, 0);
    const id = (await backend.submit('fan-test', { tasks: 3, nonce: 'e', firstTaskMs: 60_000 })).id;
    await until(
      async () => (await backend.get(id))?.tasks.find((t) => t.id === 't0')?.state === 'running',
      10_000,
      't0 running',
    );
    expect((await backend.cancel(id))?.state).toBe('cancelled');
    const counted = () => worker.metrics.registry.metrics();
    await until(
      async () =>
        (await counted()).includes('framefleet_worker_tasks_total{kind="fan.task",outcome="cancelled"} 1'),
      10_000,
      'the cancelled task counted',
    );
    expect(await counted()).not.toContain('outcome="failed"');
    expect((await backend.get(id))?.tasks.find((t) => t.id === 't0')?.state).toBe('cancelled');
    const failedAfter = (await backend.stats()).pools.reduce((n, p) => n + p.failedLastHour, 0);
    expect(failedAfter).toBe(failedBefore);
  });

  it('a root with no children is recorded done with its job', async () => {
    const job = await backend.wait((await backend.submit('fan-test', { tasks: 0, nonce: 'b' })).id);
    expect(job.state).toBe('done');
    expect(job.tasks.map((t) => [t.id, t.state])).toEqual([['root', 'done']]);
  });

  it('queues what a task made ready even when its worker died before queueing it', async () => {
    // As if the worker died after the done record of the last task the root waits for, before it
    // queued the root: the task's next attempt finds itself done and queues the root.
    const enqueuer = (worker as unknown as { ctx: { enqueuer: Enqueuer } }).ctx.enqueuer;
    const add = enqueuer.add.bind(enqueuer);
    let dropped = 0;
    enqueuer.add = (jobId, run, priority, tasks) => {
      if (tasks.some((t) => t.id === 'root') && dropped === 0) {
        dropped += 1;
        return Promise.reject(new Error('worker died before queueing'));
      }
      return add(jobId, run, priority, tasks);
    };
    try {
      const job = await backend.wait((await backend.submit('fan-test', { tasks: 20, nonce: 'c' })).id);
      expect(dropped).toBe(1);
      expect(job.state).toBe('done');
      expect(job.result).toEqual({ inputs: 20, sum: (19 * 20) / 2 });
      expect(job.tasks.every((t) => t.state === 'done')).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      // One done event per task: the repeated done of the task whose queueing failed adds none.
      expect(doneEvents(job.id)).toHaveLength(21);
    } finally {
      enqueuer.add = add;
    }
  });
});
