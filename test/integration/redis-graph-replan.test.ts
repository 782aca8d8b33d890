import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { GraphStore } from '../../src/engine/redis/graph-store.js';
import { JobStore } from '../../src/engine/redis/job-store.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import type { TaskGraph } from '../../src/engine/types.js';
import { cleanPrefix, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

const plan = (v: number): TaskGraph => ({
  rootTaskId: 'a',
  tasks: [{ id: 'a', kind: 'g.value', payload: { v }, requires: {}, dependsOn: [], weight: 1 }],
});

describe('GraphStore across a re-plan', () => {
  const prefix = uniquePrefix('graph-replan');
  let redis: Redis;
  beforeAll(() => {
    redis = connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await cleanPrefix(redis, prefix);
    redis.disconnect();
  });

  // A worker that ran a task under the old plan (made by an older worker) must run the new
  // plan's arguments once a later run re-planned the job elsewhere, not its cached old ones.
  it('a process that cached the old plan reads the new one in the next run', async () => {
    const keys = new RedisKeys(prefix);
    const worker = new GraphStore(redis, keys);
    const planner = new GraphStore(redis, keys);
    await planner.plan('j1', plan(1), undefined);
    expect((await worker.task('j1', 'a', 1))?.task.payload).toEqual({ v: 1 });
    await planner.plan('j1', plan(2), 'new');
    expect((await worker.task('j1', 'a', 2))?.task.payload).toEqual({ v: 2 });
  });

  // A retry checks the files the stored graph was planned on: the stamps go with that plan, stay
  // when a later run plans it again (its kept records were made from those files), and a job
  // planned by a version that kept none has none (it is retried unchecked, as before).
  it('keeps the input stamps of the first plan across a re-plan; a job planned without has none', async () => {
    const keys = new RedisKeys(prefix);
    const graphs = new GraphStore(redis, keys);
    const store = new JobStore(redis, keys, graphs);
    const stamps = [{ path: '/in/a.mp4', size: 10, mtimeMs: 1000, sample: 'abc' }];
    const first = await store.begin('j2', 'g', {}, 0);
    expect(await graphs.plan('j2', plan(1), 'old', { run: first.run, inputs: stamps })).toBe(true);
    expect(await graphs.inputs('j2')).toEqual(stamps);
    await store.setState('j2', 'failed', {}, { run: first.run });
    const second = await store.begin('j2', 'g', {}, 0);
    expect(await graphs.plan('j2', plan(2), 'new', { run: second.run })).toBe(true);
    expect(await graphs.inputs('j2')).toEqual(stamps);

    const legacy = await store.begin('j3', 'g', {}, 0);
    expect(await graphs.plan('j3', plan(1), undefined, { run: legacy.run })).toBe(true);
    expect(await graphs.inputs('j3')).toBeUndefined();
  });
});
