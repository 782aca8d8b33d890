import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import type { TaskRecordMessage } from '../../src/engine/redis/job-scripts.js';
import { JobStore } from '../../src/engine/redis/job-store.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import { taskEventOf, taskRecordFor } from '../../src/engine/job-record.js';
import type { JobEvent, TaskRecord, TaskSpec } from '../../src/engine/types.js';
import { cleanPrefix, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

const spec = (id: string): TaskSpec => ({
  id,
  kind: 'bench.task',
  payload: {},
  requires: { encoder: 'libx264' },
  dependsOn: [],
  weight: 1,
});

describe('JobStore task record writes (real Redis)', () => {
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('store');
  const keys = new RedisKeys(prefix);
  const store = new JobStore(redis, keys);
  const subscriber = redis.duplicate();
  const taskEvents: JobEvent[] = [];
  const jobEvents: JobEvent[] = [];

  beforeAll(async () => {
    subscriber.on('message', (channel: string, message: string) => {
      // Task records arrive as {type: 'task-record', jobId, record}; the backend turns them into events.
      const parsed = [JSON.parse(message) as JobEvent | TaskRecordMessage].flat();
      const events = parsed.map((e) =>
        e.type === 'task-record' ? taskEventOf(e.jobId, e.record, e.record.worker ?? '') : e,
      );
      (channel === keys.jobEvents ? jobEvents : taskEvents).push(...events);
    });
    await subscriber.subscribe(keys.events, keys.jobEvents);
  });

  afterAll(async () => {
    await cleanPrefix(redis, prefix);
    await subscriber.quit();
    await redis.quit();
  });

  const done = (id: string, output: unknown): TaskRecord => ({
    ...taskRecordFor(spec(id)),
    state: 'done',
    attempts: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:02.500Z',
    output,
  });

  it('keeps every one of 50 concurrent (grouped) writes and publishes their events in order', async () => {
    const { run } = await store.begin('j1', 'bench', {}, 0);
    await store.setWaitingFor('j1', 'waiting for a worker with encoder libx264');
    await new Promise((r) => setTimeout(r, 100));
    const before = jobEvents.length;
    const records = Array.from({ length: 50 }, (_, i) => done(`t${i}`, { n: i }));
    const outcomes = await Promise.all(records.map((r) => store.putTask('j1', { ...r, worker: 'w1' }, run)));
    expect(outcomes.every((o) => o.written && !o.ended)).toBe(true);
    const stored = await store.tasks('j1');
    expect(stored.map((t) => (t.output as { n: number }).n).sort((a, b) => a - b)).toEqual(
      records.map((_, i) => i),
    );
    // A task ran: the job no longer waits for a worker, and says so once on the job channel.
    expect((await store.header('j1'))?.waitingFor).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    const ours = taskEvents.filter((e) => e.jobId === 'j1' && e.type === 'task');
    expect(ours.map((e) => (e.type === 'task' ? e.taskId : ''))).toEqual(records.map((r) => r.id));
    expect(ours[0]).toMatchObject({ state: 'done', seconds: 2.5, encoder: 'libx264', worker: 'w1' });
    expect(jobEvents.slice(before)).toEqual([{ type: 'job', jobId: 'j1', state: 'queued' }]);
    expect(taskEvents.some((e) => e.type === 'job')).toBe(false);
  });

  it('drops a write from an old run and flags a job that has already ended', async () => {
    const first = await store.begin('j2', 'bench', {}, 0);
    await store.setState('j2', 'cancelled', {}, { run: first.run });
    const second = await store.begin('j2', 'bench', {}, 0);
    expect(second.run).toBe(first.run + 1);
    const late = done('t0', { from: 'old run' });
    expect(await store.putTask('j2', late, first.run)).toEqual({
      written: false,
      ended: false,
    });
    expect(await store.task('j2', 't0')).toBeUndefined();
    await store.setState('j2', 'failed', {}, { run: second.run });
    const current = done('t0', { from: 'current run' });
    expect(await store.putTask('j2', current, second.run)).toEqual({
      written: true,
      ended: true,
    });
    expect((await store.task('j2', 't0'))?.output).toEqual({ from: 'current run' });
  });

  it('shares one header read between task starts and forgets it on cancel', async () => {
    await store.begin('j3', 'bench', {}, 0);
    const [a, b] = await Promise.all([store.recentHeader('j3', 60_000), store.recentHeader('j3', 60_000)]);
    expect(a?.state).toBe('queued');
    expect(b).toBe(a);
    await store.setState('j3', 'cancelled');
    expect((await store.recentHeader('j3', 60_000))?.state).toBe('queued');
    store.forget('j3');
    expect((await store.recentHeader('j3', 60_000))?.state).toBe('cancelled');
  });

  it('shows a task with no record as pending, in graph order, and reparses a graph only when it changed', async () => {
    const { run } = await store.begin('j4', 'bench', {}, 0);
    const tasks = ['a', 'b', 'c'].map(spec);
    await store.setGraph('j4', { tasks, rootTaskId: 'c' });
    await store.putTask('j4', done('b', { n: 1 }), run);
    const job = await store.get('j4');
    expect(job?.tasks.map((t) => [t.id, t.state])).toEqual([
      ['a', 'pending'],
      ['b', 'done'],
      ['c', 'pending'],
    ]);
    expect(job?.progress).toBeCloseTo(1 / 3);
    const graph = await store.graph('j4');
    expect(await store.graph('j4')).toBe(graph);
    // A new run may plan anew: a changed graph is read as it is now.
    await store.setGraph('j4', { tasks: [spec('x')], rootTaskId: 'x' });
    expect((await store.graph('j4'))?.tasks.map((t) => t.id)).toEqual(['x']);
  });

  it("adopts children's done records from a parent's processed hash once, for the current run only", async () => {
    const { run } = await store.begin('j5', 'bench', {}, 0);
    const processed = `${prefix}:ff.cpu:j5.r${run}.root:processed`;
    const child = (id: string) => `${prefix}:ff.cpu:j5.r${run}.${id}`;
    // t0 was written behind already; t1's worker died before its write; t2 returned 'stale'.
    await store.putTask('j5', done('t0', { n: 0 }), run);
    await redis.hset(processed, {
      [child('t0')]: JSON.stringify(done('t0', { n: 0 })),
      [child('t1')]: JSON.stringify(done('t1', { n: 1 })),
      [child('t2')]: JSON.stringify('stale'),
    });
    await new Promise((r) => setTimeout(r, 50));
    const before = taskEvents.filter((e) => e.jobId === 'j5').length;
    const values = await store.adopt('j5', run, processed);
    expect(Object.keys(values).sort()).toEqual([child('t0'), child('t1'), child('t2')]);
    expect((await store.task('j5', 't1'))?.output).toEqual({ n: 1 });
    expect(await store.task('j5', 't2')).toBeUndefined();
    // Adopted once: again, or a late write of the same done record, writes and says nothing.
    await store.adopt('j5', run, processed);
    await store.putTask('j5', done('t1', { n: 1 }), run);
    // An old run's parent adopts nothing.
    await redis.hset(processed, child('t3'), JSON.stringify(done('t3', { n: 3 })));
    await store.begin('j5', 'bench', {}, 0, true);
    await store.adopt('j5', run, processed);
    expect(await store.task('j5', 't3')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    const events = taskEvents.filter((e) => e.jobId === 'j5').slice(before);
    expect(events.map((e) => (e.type === 'task' ? e.taskId : e.type))).toEqual(['t1']);
  });

  it('adopts the children a worker names behind, within a moment, and drains on demand', async () => {
    const { run } = await store.begin('j6', 'bench', {}, 0);
    const processed = `${prefix}:ff.cpu:j6.r${run}.root:processed`;
    const child = (id: string) => `${prefix}:ff.cpu:j6.r${run}.${id}`;
    await redis.hset(processed, {
      [child('a')]: JSON.stringify(done('a', { n: 1 })),
      [child('b')]: JSON.stringify(done('b', { n: 2 })),
      [child('c')]: JSON.stringify(done('c', { n: 3 })),
    });
    store.adoptLater('j6', run, processed, child('a'));
    expect(await store.task('j6', 'a')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 600));
    expect((await store.task('j6', 'a'))?.state).toBe('done');
    expect(await store.task('j6', 'b')).toBeUndefined();
    store.adoptLater('j6', run, processed, child('b'));
    await store.drain();
    expect((await store.task('j6', 'b'))?.output).toEqual({ n: 2 });
    expect(await store.task('j6', 'c')).toBeUndefined();
  });
});
