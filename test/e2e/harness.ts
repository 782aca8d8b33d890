import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { JobRecord, Pipeline } from '../../src/engine/types.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { buildServer } from '../../src/server/index.js';
import type { PoolConfig } from '../../src/config/pools.js';
import type { ServerLimits } from '../../src/server/context.js';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { cleanPrefix, REDIS_URL } from '../integration/redis-fixtures.js';
import { sampleClip } from '../helpers/media.js';

export interface Harness {
  app: FastifyInstance;
  url: string;
  dir: string;
  inputDir: string;
  outputDir: string;
  dataDir: string;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface HarnessOptions {
  token?: string;
  workers?: number;
  allowHosts?: string[];
  maxUploadBytes?: number;
  bodyLimitBytes?: number;
  sampleMs?: number;
  /** Reuse this folder (a restart): its in/, out/ and data/ are kept, and close() leaves it. */
  dir?: string;
  /** Roots instead of dir/in and dir/out. */
  inputRoots?: string[];
  outputRoots?: string[];
  /** The server's log lines, one JSON string each, for tests that read what was logged. */
  logLines?: string[];
  /** framefleet.yaml `pools:` (scaling API, job cost). */
  pools?: PoolConfig[];
  /** Caps and timeouts (--max-uploads, --max-event-streams, ...). */
  limits?: Partial<ServerLimits>;
  /**
   * `framefleet server --redis URL --with-worker` instead of the local engine: keys under
   * `prefix` (removed by close()), a worker in the same process, storage in dir/shared.
   */
  redis?: { prefix: string };
  /** Job types beyond framefleet's own, run by the engine (submitted through it, not the API). */
  pipelines?: Pipeline[];
  /** Local engine: how long a remove waits for a cancelled job's tasks to stop. */
  removeWaitMs?: number;
  /** SSE heartbeat comment interval (default 500 ms). */
  heartbeatMs?: number;
}

/** A real server on a free loopback port over the real local engine (or Redis fleet), in a fresh temp folder. */
export async function startServer(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'ff-e2e-')));
  const inputDir = path.join(dir, 'in');
  const outputDir = path.join(dir, 'out');
  const dataDir = path.join(dir, 'data');
  await Promise.all([inputDir, outputDir, dataDir].map((d) => mkdir(d, { recursive: true })));
  const lines = options.logLines;
  const log = lines
    ? pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
    : pino({ level: process.env.FF_TEST_LOG ?? 'silent' });
  const fleet = options.redis;
  if (fleet) await mkdir(path.join(dir, 'shared'), { recursive: true });
  const runtime = await openRuntime({
    ...(fleet
      ? {
          mode: 'redis',
          redisUrl: REDIS_URL,
          prefix: fleet.prefix,
          storageUrl: pathToFileURL(path.join(dir, 'shared')).href,
          worker: true,
        }
      : { mode: 'local' }),
    dataDir,
    cpuSlots: options.workers ?? 2,
    roots: { input: options.inputRoots ?? [inputDir], output: options.outputRoots ?? [outputDir] },
    log,
    resume: true,
    sampleMs: options.sampleMs ?? 1000,
    pipelines: options.pipelines,
    removeWaitMs: options.removeWaitMs,
    // Smoke results remembered for this ffmpeg build, as CLI commands do: each server start smoke-
    // encoded with every listed encoder (x265 and SVT-AV1 among them), about a CPU-second. The
    // `framefleet server` child processes of server-restart still prove the encoders uncached.
    cacheSmokeTests: true,
  });
  const app = await buildServer({
    backend: runtime.backend,
    storage: runtime.storage,
    fleet: runtime.fleet,
    gpus: runtime.gpus,
    roots: runtime.roots,
    allowHosts: options.allowHosts,
    token: options.token,
    maxUploadBytes: options.maxUploadBytes,
    bodyLimitBytes: options.bodyLimitBytes,
    heartbeatMs: options.heartbeatMs ?? 500,
    logger: log,
    pools: options.pools,
    limits: options.limits,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    dir,
    inputDir,
    outputDir,
    dataDir,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
      if (fleet) {
        const redis = connectRedis(REDIS_URL);
        await cleanPrefix(redis, fleet.prefix);
        await redis.quit();
      }
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SseMessage {
  event: string;
  data: unknown;
  comment?: string;
}

/** Reads a Server-Sent Events stream until the server closes it; comments are kept as messages. */
export async function readSse(url: string, headers: Record<string, string> = {}): Promise<SseMessage[]> {
  const response = await fetch(url, { headers });
  if (!response.ok || !response.body) throw new Error(`SSE ${url}: ${response.status}`);
  const messages: SseMessage[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const comment = lines.find((l) => l.startsWith(':'));
      if (comment) messages.push({ event: 'comment', data: undefined, comment: comment.slice(1).trim() });
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
      if (event && data !== undefined) messages.push({ event, data: JSON.parse(data) });
    }
  }
  return messages;
}

/**
 * Submits a transcode of a 1 s clip that stays queued on `h` (a server with no slot, or whose
 * fleet has no worker with `encoder`), so that its event stream stays open; its 202 record.
 */
export async function submitWaitingJob(h: Harness, encoder = 'libx264'): Promise<JobRecord> {
  const clip = await sampleClip({
    path: path.join(h.inputDir, 'clip.mp4'),
    ...{ width: 160, height: 90, fps: 10, scenes: [1] },
  });
  const { status, body } = await postJob(h, 'transcode', {
    ...{ input: clip.path, output: path.join(h.outputDir, 'o.mp4'), encoder },
  });
  if (status !== 202) throw new Error(`submit: ${status} ${JSON.stringify(body)}`);
  return body as JobRecord;
}

/** POST /v1/jobs of a job `type` with `spec` (no token): the status and the parsed answer. */
export async function postJob(
  h: Harness,
  type: string,
  spec: Record<string, unknown>,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${h.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type, spec }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}
