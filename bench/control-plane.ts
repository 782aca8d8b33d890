/**
 * Control-plane benchmark. (a) Throughput of tiny no-op tasks through framefleet's Redis backend
 * against raw BullMQ in the same run and on the same Redis (ratio; target >= 0.8: the median over
 * rounds of framefleet against the same-shape side run just before it), and task pickup latency
 * p50/p99 for both. (b) Scaling efficiency: 16 worker processes on sleep tasks, ideal time
 * (total sleep / 16) over measured time (target >= 0.9). (c) Run-time expansion: one task adds 500
 * tasks and their join to its own job, against raw BullMQ doing the same shape (a job whose processor
 * adds a flow of 500 children under a join); target >= 0.8 as well.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis } from '../src/engine/redis/connection.js';
import { bullPriority } from '../src/engine/redis/enqueue.js';
import { bullJobId } from '../src/engine/redis/keys.js';
import { RedisBackend } from '../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../src/engine/registry.js';
import type { Pipeline } from '../src/engine/types.js';
import { startFleetWorker } from '../src/runtime/redis.js';
import { FileStorage } from '../src/storage/file-storage.js';
import { FleetWorker } from '../src/worker/fleet-worker.js';
import { silentLogger } from '../src/logger.js';
import { fanOutGraph } from './lib/fan-out.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TASKS = Number(process.env.BENCH_TASKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SCALE_WORKERS = 16;
const SCALE_TASKS = 128;
const SLEEP_MS = 1000;

interface Side {
  perSec: number;
  latencies: number[];
}

interface BenchSpec {
  tasks: number;
  sleepMs: number;
  nonce: string;
}

/** A job of `tasks` tasks that do nothing (or sleep), gathered by one root task. */
export const benchPipeline: Pipeline<BenchSpec> = {
  type: 'bench',
  parseSpec: (input) => input as BenchSpec,
  plan: async (spec) =>
    fanOutGraph(spec.tasks, 'bench.task', () => ({ sleepMs: spec.sleepMs }), 'bench.root'),
  executors: {
    'bench.task': async (payload) => {
      const { sleepMs } = payload as { sleepMs: number };
      if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
      return null;
    },
    'bench.root': async () => null,
  },
};

const EXPAND_TASKS = Number(process.env.BENCH_EXPAND_TASKS ?? 500);
const EXPAND_JOBS = 2;

/** A job of one task that, when it runs, adds `tasks` no-op tasks and a join (the new root). */
export const expandPipeline: Pipeline<{ tasks: number; nonce: string }> = {
  type: 'bench-expand',
  parseSpec: (input) => input as { tasks: number; nonce: string },
  plan: async () => ({
    rootTaskId: 'gen',
    tasks: [{ id: 'gen', kind: 'bench.gen', payload: {}, requires: {}, dependsOn: [], weight: 1 }],
  }),
  executors: {
    'bench.gen': async (_payload, ctx) => {
      const { tasks } = ctx.spec as { tasks: number };
      const added = fanOutGraph(tasks, 'bench.task', () => ({ sleepMs: 0 }), 'bench.root').tasks.map((t) =>
        t.id === 'root' ? t : { ...t, dependsOn: ['gen'] },
      );
      ctx.expand({ tasks: added, root: 'root' });
      return null;
    },
    'bench.task': async () => null,
    'bench.root': async () => null,
  },
};

const CAPS = {
  hostname: 'bench',
  cores: 1,
  memoryMb: 1024,
  gpus: [],
  encoders: [],
  hwaccels: [],
  labels: {},
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function clean(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** A raw BullMQ worker of no-op jobs on the queue 'raw': same concurrency and retention as framefleet's. */
async function noopWorker(redis: Redis, prefix: string, completed: (job: Job) => void): Promise<Worker> {
  const worker = new Worker('raw', async () => null, {
    connection: redis,
    prefix,
    concurrency: CONCURRENCY,
    removeOnComplete: { count: 2000 },
  });
  worker.on('completed', completed);
  await worker.waitUntilReady();
  return worker;
}

/** Raw BullMQ: the same number of no-op jobs through one queue, same concurrency, same retention. */
async function rawBullmq(redis: Redis, prefix: string): Promise<Side> {
  const queue = new Queue('raw', { connection: redis, prefix });
  let done = 0;
  let onDone: (job: Job) => void = () => undefined;
  const worker = await noopWorker(redis, prefix, (job) => {
    done += 1;
    onDone(job);
  });
  const started = performance.now();
  const all = new Promise<void>((r) => (onDone = () => done === TASKS && r()));
  for (let i = 0; i < TASKS; i += 500) {
    await queue.addBulk(
      Array.from({ length: Math.min(500, TASKS - i) }, (_, j) => ({
        name: 'noop',
        data: { i: i + j },
        opts: { attempts: 3 },
      })),
    );
  }
  await all;
  const perSec = TASKS / ((performance.now() - started) / 1000);
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const finished = new Promise<Job>((r) => (onDone = r));
    await queue.add('noop', { i });
    const job = await finished;
    latencies.push(job.processedOn! - job.timestamp);
  }
  await worker.close();
  await queue.close();
  return { perSec, latencies };
}

/**
 * Raw BullMQ with framefleet's job shape: per job one flow of no-op children under a root, with the
 * options framefleet gives every task (priority, attempts with backoff, failParentOnFailure,
 * retention). What framefleet adds on top of BullMQ is the difference to this.
 */
async function rawFlow(redis: Redis, prefix: string): Promise<Side> {
  const producer = new FlowProducer({ connection: redis, prefix });
  let roots = 0;
  let onRoot: (job: Job) => void = () => undefined;
  const worker = await noopWorker(redis, prefix, (job) => {
    if (job.name !== 'root') return;
    roots += 1;
    onRoot(job);
  });
  const opts = {
    priority: bullPriority(0),
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 2000 },
    removeOnFail: { count: 5000 },
  };
  const flow = (children: number) => ({
    name: 'root',
    queueName: 'raw',
    data: {},
    opts,
    children: Array.from({ length: children }, (_, i) => ({
      name: 'noop',
      queueName: 'raw',
      data: { i },
      opts: { ...opts, failParentOnFailure: true },
    })),
  });
  const jobs = 4;
  const started = performance.now();
  const all = new Promise<void>((r) => (onRoot = () => roots === jobs && r()));
  await Promise.all(Array.from({ length: jobs }, () => producer.add(flow(TASKS / jobs))));
  await all;
  const perSec = TASKS / ((performance.now() - started) / 1000);
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const finished = new Promise<Job>((r) => (onRoot = r));
    await producer.add(flow(0));
    const job = await finished;
    latencies.push(job.processedOn! - job.timestamp);
  }
  await worker.close();
  await producer.close();
  return { perSec, latencies };
}

/** One in-process framefleet worker and a backend on the same Redis, for a pipeline of no-op tasks. */
async function framefleetSide(redis: Redis, prefix: string, dir: string, pipeline: Pipeline) {
  const registry = new PipelineRegistry([pipeline]);
  const storage = new FileStorage(dir);
  const worker = new FleetWorker({
    redis,
    prefix,
    registry,
    storage,
    capabilities: CAPS,
    log: silentLogger,
    concurrency: CONCURRENCY,
  });
  await worker.start();
  const backend = new RedisBackend({ redis, prefix, registry, storage, log: silentLogger, pollMs: 50 });
  return { worker, backend };
}

/** framefleet: the same no-op tasks as jobs' fan-outs, through plan, flow, records and events. */
async function framefleet(redis: Redis, prefix: string, dir: string): Promise<Side> {
  const { worker, backend } = await framefleetSide(redis, prefix, dir, benchPipeline as Pipeline);
  const jobs = 4;
  const started = performance.now();
  const ids = await Promise.all(
    Array.from(
      { length: jobs },
      async (_, i) => (await backend.submit('bench', { tasks: TASKS / jobs, sleepMs: 0, nonce: `t${i}` })).id,
    ),
  );
  const results = await Promise.all(ids.map((id) => backend.wait(id)));
  const perSec = TASKS / ((performance.now() - started) / 1000);
  if (results.some((r) => r.state !== 'done')) throw new Error('a framefleet bench job did not finish');
  const latencies: number[] = [];
  const queue = new Queue('ff.cpu', { connection: redis, prefix });
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const id = (await backend.submit('bench', { tasks: 0, sleepMs: 0, nonce: `l${i}` })).id;
    const job = await backend.wait(id);
    const bull = await queue.getJob(bullJobId(job.id, 1, 'root'));
    if (bull?.processedOn) latencies.push(bull.processedOn - bull.timestamp);
  }
  await queue.close();
  await backend.close();
  await worker.stop(1000);
  return { perSec, latencies };
}

/** Raw BullMQ, expansion shape: a 'gen' job whose processor adds a flow of EXPAND_TASKS children under a join. */
async function rawExpand(redis: Redis, prefix: string): Promise<number> {
  const producer = new FlowProducer({ connection: redis, prefix });
  const queue = new Queue('raw', { connection: redis, prefix });
  const opts = {
    priority: bullPriority(0),
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 2000 },
    removeOnFail: { count: 5000 },
  };
  let joins = 0;
  let onJoin: () => void = () => undefined;
  const worker = new Worker(
    'raw',
    async (job) => {
      if (job.name !== 'gen') return null;
      await producer.add({
        name: 'join',
        queueName: 'raw',
        data: {},
        opts,
        children: Array.from({ length: EXPAND_TASKS }, (_, i) => ({
          name: 'noop',
          queueName: 'raw',
          data: { i },
          opts: { ...opts, failParentOnFailure: true },
        })),
      });
      return null;
    },
    { connection: redis, prefix, concurrency: CONCURRENCY, removeOnComplete: { count: 2000 } },
  );
  worker.on('completed', (job) => {
    if (job.name === 'join') {
      joins += 1;
      onJoin();
    }
  });
  await worker.waitUntilReady();
  const started = performance.now();
  const all = new Promise<void>((r) => (onJoin = () => joins === EXPAND_JOBS && r()));
  await queue.addBulk(Array.from({ length: EXPAND_JOBS }, () => ({ name: 'gen', data: {}, opts })));
  await all;
  const perSec = (EXPAND_JOBS * (EXPAND_TASKS + 2)) / ((performance.now() - started) / 1000);
  await worker.close();
  await producer.close();
  await queue.close();
  return perSec;
}

/** framefleet, expansion shape: jobs of one task that adds EXPAND_TASKS tasks and their join at run time. */
async function framefleetExpand(redis: Redis, prefix: string, dir: string): Promise<number> {
  const { worker, backend } = await framefleetSide(redis, prefix, dir, expandPipeline as Pipeline);
  const started = performance.now();
  const ids = await Promise.all(
    Array.from(
      { length: EXPAND_JOBS },
      async (_, i) => (await backend.submit('bench-expand', { tasks: EXPAND_TASKS, nonce: `e${i}` })).id,
    ),
  );
  const results = await Promise.all(ids.map((id) => backend.wait(id)));
  const perSec = (EXPAND_JOBS * (EXPAND_TASKS + 2)) / ((performance.now() - started) / 1000);
  if (results.some((r) => r.state !== 'done' || r.tasks.length !== EXPAND_TASKS + 2)) {
    throw new Error('a framefleet expansion bench job did not finish with every task');
  }
  await backend.close();
  await worker.stop(1000);
  return perSec;
}

/** 16 worker processes, one slot each, on sleep tasks: how close to total sleep / 16. */
async function scaling(prefix: string, dir: string): Promise<{ ideal: number; measured: number }> {
  const self = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = [];
  for (let i = 0; i < SCALE_WORKERS; i++) {
    children.push(
      spawn(
        process.execPath,
        ['--import', 'tsx', self, 'worker', REDIS_URL, prefix, pathToFileURL(dir).href, `scale-${i}`],
        {
          stdio: 'ignore',
        },
      ),
    );
  }
  const redis = connectRedis(REDIS_URL);
  try {
    const deadline = Date.now() + 180_000;
    while ((await redis.scard(`${prefix}:nodes`)) < SCALE_WORKERS) {
      if (Date.now() > deadline)
        throw new Error(
          `only ${await redis.scard(`${prefix}:nodes`)} of ${SCALE_WORKERS} workers registered`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
    const registry = new PipelineRegistry([benchPipeline as Pipeline]);
    const backend = new RedisBackend({
      redis,
      prefix,
      registry,
      storage: new FileStorage(dir),
      log: silentLogger,
      pollMs: 50,
    });
    const started = performance.now();
    const job = await backend.wait(
      (await backend.submit('bench', { tasks: SCALE_TASKS, sleepMs: SLEEP_MS, nonce: 'scale' })).id,
    );
    const measured = (performance.now() - started) / 1000;
    if (job.state !== 'done') throw new Error(`scaling job ended ${job.state}`);
    await backend.close();
    return { ideal: (SCALE_TASKS * SLEEP_MS) / 1000 / SCALE_WORKERS, measured };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await redis.quit();
  }
}

export async function run(): Promise<void> {
  const prefix = `ffbench-${randomBytes(4).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'ff-bench-cp-'));
  const redis = connectRedis(REDIS_URL);
  try {
    // Alternating rounds, median of each side: these machines are shared and noisy.
    const sides = {
      flat: [] as Side[],
      flow: [] as Side[],
      framefleet: [] as Side[],
      rawExpand: [] as number[],
      ffExpand: [] as number[],
    };
    // BENCH_ONLY=fan-out or =expansion runs one part (while working on it); by default both.
    const only = process.env.BENCH_ONLY;
    for (let round = 0; round < ROUNDS; round++) {
      if (only !== 'expansion') {
        sides.flat.push(await rawBullmq(redis, `${prefix}-raw${round}`));
        sides.flow.push(await rawFlow(redis, `${prefix}-flow${round}`));
        sides.framefleet.push(await framefleet(redis, `${prefix}-ff${round}`, dir));
      }
      if (only !== 'fan-out') {
        sides.rawExpand.push(await rawExpand(redis, `${prefix}-rawx${round}`));
        sides.ffExpand.push(await framefleetExpand(redis, `${prefix}-ffx${round}`, dir));
      }
    }
    if (only === 'expansion') sides.flat = sides.flow = sides.framefleet = [{ perSec: 1, latencies: [] }];
    if (only === 'fan-out') sides.rawExpand = sides.ffExpand = [1];
    const median = (xs: Side[]) => [...xs].sort((a, b) => a.perSec - b.perSec)[xs.length >> 1]!;
    const flat = median(sides.flat);
    const flow = median(sides.flow);
    const ff = median(sides.framefleet);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const row = (name: string, side: Side) =>
      console.log(
        `    ${name.padEnd(34)} ${side.perSec.toFixed(0).padStart(5)} tasks/s, pickup p50 ${ms(percentile(side.latencies, 50))}, p99 ${ms(percentile(side.latencies, 99))}`,
      );
    console.log(
      `(a) no-op tasks, ${TASKS} per side (median of ${ROUNDS} alternating rounds), concurrency ${CONCURRENCY}, one Redis`,
    );
    row('raw BullMQ, one flat queue:', flat);
    row("raw BullMQ, framefleet's flow shape:", flow);
    row('framefleet:', ff);
    const each = (xs: Side[]) => xs.map((x) => x.perSec.toFixed(0)).join(' ');
    console.log(
      `    every round (tasks/s): flat ${each(sides.flat)} | flow ${each(sides.flow)} | framefleet ${each(sides.framefleet)}`,
    );
    // Paired: each round's framefleet side over the same-shape side run just before it. The VM's
    // speed drifts over a run; a pair shares its moment, a ratio of medians mixes moments.
    const pairs = sides.framefleet
      .map((side, i) => side.perSec / sides.flow[i]!.perSec)
      .sort((a, b) => a - b);
    const ratio = pairs[pairs.length >> 1]!;
    console.log(`    per round framefleet/flow: ${pairs.map((p) => p.toFixed(2)).join(' ')} (sorted)`);
    console.log(
      `    throughput ratio framefleet/raw BullMQ (same flow shape), median of paired rounds = ${ratio.toFixed(2)} (target >= 0.8) ${ratio >= 0.8 ? 'PASS' : 'FAIL'}; ratio of the medians = ${(ff.perSec / flow.perSec).toFixed(2)}`,
    );
    console.log(
      `    throughput ratio framefleet/raw BullMQ (flat queue, no parents) = ${(ff.perSec / flat.perSec).toFixed(2)}`,
    );
    const expandPairs = sides.ffExpand.map((v, i) => v / sides.rawExpand[i]!).sort((a, b) => a - b);
    const expandRatio = expandPairs[expandPairs.length >> 1]!;
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    console.log(
      `(c) run-time expansion: ${EXPAND_JOBS} jobs, each one task adding ${EXPAND_TASKS} tasks and a join (median of ${ROUNDS} alternating rounds)`,
    );
    console.log(
      `    raw BullMQ (processor adds a flow): ${med(sides.rawExpand).toFixed(0)} tasks/s; framefleet (ctx.expand): ${med(sides.ffExpand).toFixed(0)} tasks/s`,
    );
    console.log(`    per round framefleet/raw: ${expandPairs.map((p) => p.toFixed(2)).join(' ')} (sorted)`);
    console.log(
      `    throughput ratio framefleet/raw BullMQ (expansion), median of paired rounds = ${expandRatio.toFixed(2)} (target >= 0.8) ${expandRatio >= 0.8 ? 'PASS' : 'FAIL'}`,
    );
    if (process.env.BENCH_SKIP_SCALE) return;
    const scale = await scaling(`${prefix}-scale`, dir);
    const efficiency = scale.ideal / scale.measured;
    console.log(`(b) ${SCALE_WORKERS} worker processes, ${SCALE_TASKS} tasks of ${SLEEP_MS} ms sleep`);
    console.log(
      `    ideal ${scale.ideal.toFixed(2)} s, measured ${scale.measured.toFixed(2)} s, efficiency ${efficiency.toFixed(2)} (target >= 0.9) ${efficiency >= 0.9 ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of ['raw', 'flow', 'ff', 'rawx', 'ffx'])
        await clean(redis, `${prefix}-${side}${round}`);
    }
    await clean(redis, `${prefix}-scale`);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/control-plane.ts worker REDIS PREFIX STORAGE ID`: one benchmark worker process.
if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] === 'worker'
) {
  const [, , , redisUrl, prefix, storageUrl, workerId] = process.argv;
  const fleet = await startFleetWorker({
    redisUrl: redisUrl!,
    prefix: prefix!,
    storageUrl: storageUrl!,
    log: silentLogger,
    pipelines: [benchPipeline as Pipeline],
    declared: { detect: false, encoders: [] },
    concurrency: 1,
    workerId,
  });
  process.on('SIGTERM', () => void fleet.stop(500).then(() => process.exit(0)));
}
