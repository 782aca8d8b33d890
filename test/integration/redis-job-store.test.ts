import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskEventOf, taskRecordFor } from '../../src/engine/job-record.js';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { GraphStore } from '../../src/engine/redis/graph-store.js';
import { JobStore } from '../../src/engine/redis/job-store.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import type { JobEvent, TaskGraph, TaskRecord, TaskSpec } from '../../src/engine/types.js';
import { cleanPrefix, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

const spec = (id: string, dependsOn: string[] = []): TaskSpec => ({
  id,
  kind: 'k',
  payload: {},
  requires: {},
  dependsOn,
  weight: 1,
});
const diamond: TaskGraph = {
  rootTaskId: 'd',
  tasks: [spec('a'), spec('b', ['a']), spec('c', ['a']), spec('d', ['b', 'c'])],
};

describe('job records, readiness and expansions in Redis (real Redis)', () => {
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('store');
  const keys = new RedisKeys(prefix);
  const graphs = new GraphStore(redis, keys);
  const store = new JobStore(redis, keys, graphs);
  const subscriber = redis.duplicate();
  const taskEvents: JobEvent[] = [];

  beforeAll(async () => {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== keys.events) return;
      for (const e of [JSON.parse(message) as { type: string; jobId: string; record: TaskRecord }].flat()) {
        if (e.type === 'task-record') taskEvents.push(taskEventOf(e.jobId, e.record, ''));
      }
    });
    await subscriber.subscribe(keys.events);
  });

  afterAll(async () => {
    await cleanPrefix(redis, prefix);
    await subscriber.quit();
    await redis.quit();
  });

  const record = (id: string, state: TaskRecord['state'], output?: unknown): TaskRecord => ({
    ...taskRecordFor(spec(id)),
    state,
    attempts: 1,
    output,
  });

  /** A job whose run is armed for `graph`; returns the run and the tasks ready at once. */
  async function armed(id: string, graph: TaskGraph) {
    const { run } = await store.begin(id, 'k', {}, 0);
    await graphs.plan(id, graph, undefined);
    return { run, ready: await store.arm(id, run, graph, []) };
  }

  it('makes a task ready once all its dependencies are done, in a diamond', async () => {
    const { run, ready } = await armed('dia', diamond);
    expect(ready).toEqual(['a']);
    expect((await store.putTask('dia', run, record('a', 'done', 1))).ready.sort()).toEqual(['b', 'c']);
    expect((await store.putTask('dia', run, record('b', 'done', 2))).ready).toEqual([]);
    expect((await store.putTask('dia', run, record('c', 'done', 3))).ready).toEqual(['d']);
  });

  it('counts a task done once: a repeated done queues only what is still unqueued and not done', async () => {
    const { run } = await armed('again', diamond);
    await store.putTask('again', run, record('a', 'done', 1));
    // The worker that wrote a's done record died before queueing b and c: a's next attempt re-queues them.
    expect((await store.putTask('again', run, record('a', 'done', 1))).ready.sort()).toEqual(['b', 'c']);
    await store.putTask('again', run, record('b', 'done', 2));
    expect((await store.putTask('again', run, record('a', 'done', 1))).ready).toEqual(['c']);
    // The join still needs c: b's repeated done does not count it down twice.
    expect((await store.putTask('again', run, record('b', 'done', 2))).ready).toEqual([]);
    expect((await store.putTask('again', run, record('c', 'done', 3))).ready).toEqual(['d']);
  });

  it('keeps a done record done and ignores writes from an old run', async () => {
    const { run } = await armed('guard', diamond);
    await store.putTask('guard', run, record('a', 'done', 'first'));
    expect((await store.putTask('guard', run, record('a', 'running'))).written).toBe(true);
    expect((await store.get('guard'))!.tasks.find((t) => t.id === 'a')).toMatchObject({
      state: 'done',
      output: 'first',
    });
    const second = await store.begin('guard', 'k', {}, 0, true);
    expect(second.run).toBe(run + 1);
    expect(await store.putTask('guard', run, record('b', 'done'))).toEqual({
      written: false,
      ended: false,
      ready: [],
    });
  });

  it('groups 50 concurrent writes into few commands and publishes one event per new record', async () => {
    const graph: TaskGraph = {
      rootTaskId: 'root',
      tasks: [
        ...Array.from({ length: 50 }, (_, i) => spec(`t${i}`)),
        spec(
          'root',
          Array.from({ length: 50 }, (_, i) => `t${i}`),
        ),
      ],
    };
    const { run, ready } = await armed('fan', graph);
    expect(ready).toHaveLength(50);
    const before = taskEvents.length;
    const outcomes = await Promise.all(
      ready.map((id, i) => store.putTask('fan', run, record(id, 'done', i))),
    );
    expect(outcomes.filter((o) => o.ready.includes('root'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(taskEvents.length - before).toBe(50);
    const job = (await store.get('fan'))!;
    expect(job.tasks.filter((t) => t.state === 'done')).toHaveLength(50);
    expect(job.tasks.find((t) => t.id === 'root')!.state).toBe('pending');
  });

  it('stores an expansion once, with its tasks waiting for what is not done yet', async () => {
    const graph: TaskGraph = {
      rootTaskId: 'gen',
      tasks: [spec('src'), spec('slow'), spec('gen', ['src', 'slow'])],
    };
    const { run } = await armed('exp', graph);
    await store.putTask('exp', run, record('src', 'done', 1));
    const expansion = {
      tasks: [
        spec('x', ['gen']),
        spec('y', ['src']),
        spec('z', ['slow']),
        spec('join', ['x', 'y', 'z', 'gen']),
      ],
      root: 'join',
    };
    // y needs only src, which is done: ready at once. x waits for gen (finishing), z for slow.
    expect(await graphs.expand('exp', run, 'gen', expansion)).toEqual({ added: true, ready: ['y'] });
    expect(await graphs.expand('exp', run, 'gen', expansion)).toEqual({ added: false, stale: false });
    expect((await graphs.graph('exp'))!.rootTaskId).toBe('join');
    expect((await store.putTask('exp', run, record('slow', 'done', 2))).ready.sort()).toEqual(['gen', 'z']);
    expect((await store.putTask('exp', run, record('gen', 'done', 3))).ready).toEqual(['x']);
    for (const id of ['x', 'y']) await store.putTask('exp', run, record(id, 'done', 0));
    expect((await store.putTask('exp', run, record('z', 'done', 0))).ready).toEqual(['join']);
    expect(await redis.llen(keys.expansions('exp'))).toBe(1);
  });

  it('validates an expansion against the stored graph and refuses one for an ended job', async () => {
    const { run } = await armed('bad', diamond);
    await expect(graphs.expand('bad', run, 'a', { tasks: [spec('b', ['a'])] })).rejects.toThrow(
      /adds task `b`, which exists already/,
    );
    await store.setState('bad', 'cancelled', {}, { run });
    expect(
      await graphs.expand('bad', run, 'a', { tasks: [spec('e', ['a']), spec('f', ['e', 'd'])], root: 'f' }),
    ).toEqual({
      added: false,
      stale: true,
    });
  });

  it('pages jobs newest first from the index, by state, and counts them without reading them', async () => {
    const other = new JobStore(
      redis,
      new RedisKeys(`${prefix}-page`),
      new GraphStore(redis, new RedisKeys(`${prefix}-page`)),
    );
    for (let i = 0; i < 7; i++) await other.begin(`job-${i}`, 'k', {}, 0);
    await other.setState('job-2', 'failed', { error: { code: 'INPUT_CORRUPT', message: 'bad' } });
    await other.setState('job-5', 'running');
    const page = await other.index.page({ offset: 1, limit: 3 });
    expect(page).toEqual({ ids: ['job-5', 'job-4', 'job-3'], total: 7 });
    expect(await other.index.page({ state: 'failed' })).toEqual({ ids: ['job-2'], total: 1 });
    expect(await other.index.counts()).toMatchObject({ queued: 5, failed: 1, running: 1, done: 0 });
    await other.remove('job-2');
    expect(await other.index.counts()).toMatchObject({ failed: 0 });
    expect((await other.index.page({})).total).toBe(6);
    await cleanPrefix(redis, `${prefix}-page`);
  });

  it('reads the header, a record and its dependencies in one command', async () => {
    const { run } = await armed('claim', diamond);
    await store.putTask('claim', run, record('b', 'done', 'B'));
    await store.putTask('claim', run, record('c', 'done', 'C'));
    const [header, own, deps] = await store.claim('claim', 'd', ['b', 'c']);
    expect(header?.run).toBe(run);
    expect(own).toBeUndefined();
    expect(deps.map((d) => d?.output)).toEqual(['B', 'C']);
  });
});
