import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { silentLogger } from '../../src/logger.js';
import { openRuntime } from '../../src/runtime/runtime.js';
import { buildServer } from '../../src/server/index.js';
import { cleanPrefix, REDIS_URL } from '../integration/redis-fixtures.js';

export interface RedisHarness {
  /** The temp folder: `in` (input root), `out` (output root), `shared` (storage), `data`. */
  dir: string;
  url: string;
  close: () => Promise<void>;
}

/**
 * `framefleet server --redis URL --with-worker`: the API over the fleet engine on a real Redis
 * (keys under `prefix`), a worker in the same process, and the shared storage on disk. `prepare`
 * runs once the folders exist, before the server starts (to make the inputs).
 */
export async function startRedisServer(
  prefix: string,
  prepare: (dir: string) => Promise<void> = async () => undefined,
): Promise<RedisHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ff-redis-server-'));
  await Promise.all(['in', 'out', 'shared'].map((d) => mkdir(path.join(dir, d))));
  await prepare(dir);
  const runtime = await openRuntime({
    mode: 'redis',
    redisUrl: REDIS_URL,
    prefix,
    dataDir: path.join(dir, 'data'),
    storageUrl: pathToFileURL(path.join(dir, 'shared')).href,
    roots: { input: [path.join(dir, 'in')], output: [path.join(dir, 'out')] },
    log: silentLogger,
    worker: true,
    cpuSlots: 2,
  });
  const app = await buildServer({
    backend: runtime.backend,
    storage: runtime.storage,
    fleet: runtime.fleet,
    gpus: runtime.gpus,
    roots: runtime.roots,
    heartbeatMs: 500,
    logger: pino({ level: 'silent' }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const close = async () => {
    await app.close();
    await runtime.close();
    const redis = connectRedis(REDIS_URL);
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, url, close };
}
