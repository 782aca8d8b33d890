import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { GraphStore } from '../../src/engine/redis/graph-store.js';
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
});
