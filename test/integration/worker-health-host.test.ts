import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { tempDir } from '../helpers/media.js';
import { cleanPrefix, exited, REDIS_URL, spawnWorker, uniquePrefix, until } from './redis-fixtures.js';

/** An address of this machine that is not loopback, as another host on the network reaches it. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

// The worker's health port bound 0.0.0.0, so anyone on the network could read /metrics (queue
// names, job and task counts, node details) without a token. It now binds loopback unless
// --health-host says otherwise (the Kubernetes manifests pass 0.0.0.0 for probes by pod IP).
describe.skipIf(!external)('framefleet worker --port: where the health port listens', () => {
  const prefix = uniquePrefix('health-host');
  const redis = connectRedis(REDIS_URL);
  const workers: ChildProcess[] = [];
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-health-host-'));
    await writeFile(join(dir, 'caps.yaml'), 'detect: false\nencoders: [libx264]\n');
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await Promise.all(workers.map(exited));
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await cleanup();
  });

  /** Starts a worker with a health port and resolves with that port. */
  const start = async (id: string, extra: string[]) => {
    const worker = spawnWorker([
      ...['--storage', pathToFileURL(dir).href, '--prefix', prefix, '--id', id],
      ...['--capabilities', join(dir, 'caps.yaml'), '--port', '0', ...extra],
    ]);
    workers.push(worker);
    const log = () => (worker as unknown as { tail: () => string }).tail();
    await until(() => /"port":\d+/.test(log()), 30_000, `worker ${id} to start`);
    return Number(/"port":(\d+)/.exec(log())![1]);
  };
  const reach = (host: string, port: number) =>
    fetch(`http://${host}:${port}/metrics`).then(
      (r) => r.status,
      (e: { cause?: { code?: string } }) => e.cause?.code ?? 'failed',
    );

  it('answers on loopback only by default', async () => {
    const port = await start('hh-default', []);
    expect(await reach('127.0.0.1', port)).toBe(200);
    expect(await reach(external!, port)).toBe('ECONNREFUSED');
  });

  it('answers on the network with --health-host 0.0.0.0', async () => {
    const port = await start('hh-any', ['--health-host', '0.0.0.0']);
    expect(await reach(external!, port)).toBe(200);
    expect(await reach('127.0.0.1', port)).toBe(200);
  });
});
