import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import type { Capabilities } from '../../src/cluster/capabilities.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import type { PipelineRegistry } from '../../src/engine/registry.js';
import { silentLogger } from '../../src/logger.js';
import type { Storage } from '../../src/storage/types.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import { CLI } from '../helpers/cli.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `fftest-${name}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a prefix (framefleet's and BullMQ's). */
export async function cleanPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export const quietLog = silentLogger;

/** An in-process fleet worker and a backend submitting to it, on one prefix. */
export interface FleetOfOne {
  worker: FleetWorker;
  backend: RedisBackend;
  /** Closes the backend, stops the worker and deletes the prefix's keys (not the connection). */
  stop(): Promise<void>;
}

/** One started FleetWorker and a RedisBackend on `prefix`, sharing `storage`: the fleet tests' set-up. */
export async function fleetOfOne(options: {
  redis: Redis;
  prefix: string;
  registry: PipelineRegistry;
  storage: Storage;
  capabilities: Capabilities;
  concurrency: number;
}): Promise<FleetOfOne> {
  const { redis, prefix, registry, storage } = options;
  const worker = new FleetWorker({
    redis,
    prefix,
    registry,
    storage,
    capabilities: options.capabilities,
    log: quietLog,
    concurrency: options.concurrency,
  });
  await worker.start();
  const backend = await RedisBackend.open({ redis, prefix, registry, storage, log: quietLog, pollMs: 100 });
  const stop = async () => {
    await backend.close();
    await worker.stop(1000);
    await cleanPrefix(redis, prefix);
  };
  return { worker, backend, stop };
}

/** A 2-core CPU worker that offers libx264, for in-process fleet workers in tests. */
export function cpuWorkerCapabilities(hostname: string): Capabilities {
  return { hostname, cores: 2, memoryMb: 4096, gpus: [], encoders: ['libx264'], hwaccels: [], labels: {} };
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A private redis-server with AOF on, so a test may restart it without touching the shared one. */
export async function startRedisServer(
  dir: string,
  port?: number,
): Promise<{ url: string; port: number; process: ChildProcess }> {
  const p = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(p),
      '--bind',
      '127.0.0.1',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--dir',
      dir,
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await canConnect(p)) return { url: `redis://127.0.0.1:${p}`, port: p, process: child };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${p}`);
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * `framefleet worker` as its own process, from the build (global-setup rebuilds it from newer
 * sources): a start through tsx transpiled the sources again each time, a few CPU-seconds a restart.
 */
export function spawnWorker(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  });
  (child as ChildProcess & { tail: () => string }).tail = () => tail;
  return child;
}

/** Resolves when the process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

/** Polls until the check passes or the time is up. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
