import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { JobEvent } from '../../src/engine/types.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { tempDir } from '../helpers/media.js';
import { cleanPrefix, quietLog, REDIS_URL, sleep, uniquePrefix, until } from './redis-fixtures.js';

// Found by the server attack: `PUBLISH <prefix>:events null` ended a `framefleet server --redis`
// (a TypeError thrown inside ioredis's message handler is an uncaught exception).
const GARBAGE = [
  'null',
  '42',
  '"text"',
  '[null, 1]',
  '{"type":"task-record","jobId":"j"}',
  '{"type":"task-record","jobId":"j","record":null}',
  '{"type":"progress"}',
  'not json',
];

describe('pub/sub messages the server did not publish (real Redis)', () => {
  const redis = connectRedis(REDIS_URL);
  const publisher = redis.duplicate();
  const prefix = uniquePrefix('events');
  let temp: { dir: string; cleanup: () => Promise<void> };
  let backend: RedisBackend;

  beforeAll(async () => {
    temp = await tempDir('ff-events-');
    const registry = new PipelineRegistry(allPipelines());
    const storage = new FileStorage(join(temp.dir, 'shared'));
    backend = new RedisBackend({ redis, prefix, registry, storage, log: quietLog, pollMs: 100 });
  });

  afterAll(async () => {
    await backend.close();
    await cleanPrefix(redis, prefix);
    await publisher.quit();
    await redis.quit();
    await temp.cleanup();
  });

  it('drops malformed messages and still delivers the events after them', async () => {
    const seen: JobEvent[] = [];
    const unsubscribe = backend.subscribe((event) => seen.push(event));
    const channel = new RedisKeys(prefix).events;
    await until(async () => (await publisher.publish(channel, 'null')) > 0, 5000, 'the subscription');
    for (const message of GARBAGE) await publisher.publish(channel, message);
    const good = { type: 'progress', jobId: 'job-1', progress: 0.5 };
    await publisher.publish(channel, JSON.stringify([null, good]));
    await until(() => seen.length > 0, 5000, 'the well-formed event');
    await sleep(200);
    expect(seen).toMatchObject([good]);
    unsubscribe();
  });
});
