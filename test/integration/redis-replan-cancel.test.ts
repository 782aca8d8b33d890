import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisKeys } from '../../src/engine/redis/keys.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { Pipeline } from '../../src/engine/types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import { graphPipeline, graphUpgrade } from '../helpers/graph-pipeline.js';
import { tempDir } from '../helpers/media.js';
import {
  cleanPrefix,
  cpuWorkerCapabilities,
  quietLog,
  REDIS_URL,
  sleep,
  uniquePrefix,
  until,
} from './redis-fixtures.js';

describe('Redis re-planning after an upgrade, with the job cancelled meanwhile', () => {
  const prefix = uniquePrefix('replan-cancel');
  let redis: Redis;
  let dir: string;
  let cleanup: () => Promise<void>;
  let worker: FleetWorker;
  let backend: RedisBackend;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-replan-'));
    redis = connectRedis(REDIS_URL);
    const registry = new PipelineRegistry([graphPipeline as Pipeline]);
    const storage = new FileStorage(join(dir, 'shared'));
    worker = new FleetWorker({
      redis,
      prefix,
      registry,
      storage,
      capabilities: cpuWorkerCapabilities('replan-cancel'),
      log: quietLog,
      concurrency: 2,
      retry: { attempts: 2, backoffBaseMs: 100 },
    });
    await worker.start();
    backend = await RedisBackend.open({ redis, prefix, registry, storage, log: quietLog, pollMs: 100 });
  });
  afterAll(async () => {
    graphUpgrade.active = false;
    graphUpgrade.gate = undefined;
    await backend.close();
    await worker.stop(1000);
    await cleanPrefix(redis, prefix);
    redis.disconnect();
    await cleanup();
  });

  /**
   * Starts a run (`start`, giving the job's id) with its planner held, cancels the job while it
   * plans, then lets the planner finish and gives the plan step time to write whatever it would.
   */
  const cancelWhilePlanning = async (start: () => Promise<string>): Promise<string> => {
    let release!: () => void;
    const entered = new Promise<void>((resolve) => (graphUpgrade.planning = resolve));
    graphUpgrade.gate = new Promise<void>((resolve) => (release = resolve));
    const id = await start();
    await entered;
    await backend.cancel(id);
    await until(async () => (await backend.get(id))?.state === 'cancelled', 10_000, 'the cancel');
    graphUpgrade.gate = undefined;
    release();
    await sleep(500);
    return id;
  };

  // The plan step checked the run before planning again and wrote after: a job cancelled (or run
  // again elsewhere) while the new plan was made lost the records of what it had done, and its
  // stored plan was replaced by a run that no longer counted.
  it('leaves the cancelled job its records and its plan', async () => {
    const marker = join(dir, 'fail');
    await writeFile(marker, '');
    const spec = { shape: 'fail-middle', nonce: randomUUID(), failWhile: marker };
    const first = await backend.wait((await backend.submit('graph-test', spec)).id);
    expect(first.state).toBe('failed');
    await rm(marker);
    const keys = new RedisKeys(prefix);
    const recorded = (await redis.hkeys(keys.tasks(first.id))).sort();

    graphUpgrade.active = true;
    await cancelWhilePlanning(async () => (await backend.retry(first.id))!.id);

    expect(await redis.hkeys(keys.tasks(first.id))).toEqual(expect.arrayContaining(recorded));
    expect(await redis.hget(keys.job(first.id), 'plannedBy')).toBe('graph-test v1');
  });

  // The first plan stored its graph before the run was checked again: a job cancelled while it was
  // planned kept a plan of a run that no longer counted (now stored only while the run is current).
  it('stores no plan for a job cancelled while it is planned the first time', async () => {
    const spec = { shape: 'diamond', nonce: randomUUID() };
    const id = await cancelWhilePlanning(async () => (await backend.submit('graph-test', spec)).id);
    const keys = new RedisKeys(prefix);
    expect(await redis.exists(keys.graph(id))).toBe(0);
    expect(await redis.hget(keys.job(id), 'plannedBy')).toBeNull();
  });
});
