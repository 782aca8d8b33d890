/**
 * Server load: 1,000 queued jobs, 50 concurrent SSE clients, and the latency of GET /v1/jobs.
 *
 * The server runs as a child process (so its RSS is its own, not the load generator's) with the
 * real local engine and a no-op job type, `bench.hold`, whose single task needs a CPU slot; the
 * server has 0 CPU slots, so every job is planned and then stays queued without running anything.
 * That is the state a busy coordinator is in: many jobs waiting, clients watching them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { z } from 'zod';
import type { Pipeline } from '../src/engine/types.js';
import { intRange, parseSpec } from '../src/pipelines/schema.js';
import { openRuntime } from '../src/runtime/runtime.js';
import { buildServer, DEFAULT_JOB_TYPES } from '../src/server/index.js';

const JOBS = 1000;
const SSE_CLIENTS = 50;
const SAMPLES = 400;
const CHILD_ENV = 'FRAMEFLEET_SERVER_LOAD_CHILD';

const holdSchema = z.object({ n: intRange('n', 0, 1_000_000) }).strict();
const holdPipeline: Pipeline<{ n: number }> = {
  type: 'bench.hold',
  parseSpec: (input) => parseSpec(holdSchema, input, 'bench.hold spec'),
  plan: async (spec) => ({
    tasks: [
      {
        id: 'hold',
        kind: 'bench.hold',
        payload: spec,
        requires: { device: 'cpu' },
        dependsOn: [],
        weight: 1,
      },
    ],
    rootTaskId: 'hold',
  }),
  executors: { 'bench.hold': async () => ({}) },
};

async function serveChild(dataDir: string): Promise<void> {
  const log = pino({ level: 'warn' });
  const runtime = await openRuntime({
    mode: 'local',
    dataDir,
    cpuSlots: 0,
    gpuSlots: 0,
    roots: { input: [dataDir], output: [dataDir] },
    log,
    resume: true,
    pipelines: [holdPipeline as Pipeline],
  });
  const app = await buildServer({
    backend: runtime.backend,
    storage: runtime.storage,
    fleet: runtime.fleet,
    jobTypes: [
      ...DEFAULT_JOB_TYPES,
      {
        type: 'bench.hold',
        pipeline: holdPipeline as Pipeline,
        description: 'queued forever',
        schema: holdSchema,
        inputFields: [],
        outputFields: [],
      },
    ],
    roots: runtime.roots,
    logger: false,
  });
  process.stdout.write(`listening on ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function timed(url: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - start;
}

async function rssMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^framefleet_server_process_resident_memory_bytes (\d+)/m.exec(text)?.[1]) / 1048576;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ff-server-load-'));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_ENV]: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sse = new AbortController();
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /listening on (\S+)/.exec(out)?.[1];
        if (found) resolve(found);
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const idleRss = await rssMb(url);

    const ids: string[] = [];
    const submitStart = performance.now();
    await pool([...Array(JOBS).keys()], 16, async (n) => {
      const response = await fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'bench.hold', spec: { n } }),
      });
      if (response.status !== 202) throw new Error(`submit: ${response.status} ${await response.text()}`);
      ids.push(((await response.json()) as { id: string }).id);
    });
    const submitSec = (performance.now() - submitStart) / 1000;

    let sseEvents = 0;
    const streams = ids.slice(0, SSE_CLIENTS).map(async (id) => {
      const response = await fetch(`${url}/v1/jobs/${id}/events`, { signal: sse.signal });
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        sseEvents += Buffer.from(chunk).toString().split('\n\n').length - 1;
      }
    });
    for (const s of streams) s.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));

    const { total } = (await (await fetch(`${url}/v1/jobs?limit=1`)).json()) as { total: number };
    const latencies: number[] = [];
    await pool([...Array(SAMPLES).keys()], 4, async (i) => {
      const query =
        i % 4 === 0
          ? 'limit=50'
          : i % 4 === 1
            ? `offset=${(i * 7) % 900}&limit=50`
            : i % 4 === 2
              ? 'state=running&limit=100'
              : 'limit=50&offset=500';
      latencies.push(await timed(`${url}/v1/jobs?${query}`));
    });
    latencies.sort((a, b) => a - b);
    const loadedRss = await rssMb(url);
    const p99 = percentile(latencies, 99);
    process.stdout.write(
      `jobs queued: ${total} (submitted in ${submitSec.toFixed(1)} s, ${(JOBS / submitSec).toFixed(0)}/s), SSE clients: ${SSE_CLIENTS} (${sseEvents} events)\n` +
        `GET /v1/jobs over ${SAMPLES} requests, 4 concurrent: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target < 100 ms: ${p99 < 100 ? 'met' : 'MISSED'})\n` +
        `server RSS: ${idleRss.toFixed(0)} MiB idle, ${loadedRss.toFixed(0)} MiB with ${total} jobs and ${SSE_CLIENTS} streams\n`,
    );
  } finally {
    sse.abort();
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

const childDir = process.env[CHILD_ENV];
if (childDir) await serveChild(childDir);
