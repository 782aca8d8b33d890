import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/engine/capabilities.js';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import type { Pipeline, TaskSpec } from '../../src/engine/types.js';
import { selectEncoder } from '../../src/media/encoders/select.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { FleetWorker } from '../../src/worker/fleet-worker.js';
import { tempDir } from '../helpers/media.js';
import { cleanPrefix, quietLog, REDIS_URL, uniquePrefix, until } from './redis-fixtures.js';

// A harmless pipeline: the plan routes like a transcode (one encoder per job, chosen from what the
// fleet offers), the executors only say which worker ran them. Nothing here needs a real GPU.
interface RouteSpec {
  encoder: string;
  codec: 'h264' | 'hevc' | 'av1';
  segments: number;
  /** Skip the plan-time check, so tasks are queued for an encoder nobody has. */
  force?: boolean;
}
const routePipeline: Pipeline<RouteSpec> = {
  type: 'route-test',
  parseSpec: (input) => input as RouteSpec,
  plan: async (spec, ctx) => {
    const encoder = spec.force
      ? spec.encoder
      : selectEncoder(
          { encoder: spec.encoder, codec: spec.codec, hwaccel: 'auto' },
          ctx.capabilities.encoders,
        ).encoder.name;
    const device = encoder.includes('nvenc') ? 'nvidia' : 'cpu';
    const segments: TaskSpec[] = Array.from({ length: spec.segments }, (_, i) => ({
      id: `segment-${i}`,
      kind: 'route.segment',
      payload: {},
      requires: { device, features: [`enc:${encoder}`] },
      dependsOn: [],
      weight: 1,
    }));
    const root: TaskSpec = {
      id: 'stitch',
      kind: 'route.stitch',
      payload: {},
      requires: { device: 'cpu' },
      dependsOn: segments.map((s) => s.id),
      weight: 1,
    };
    return { tasks: [...segments, root], rootTaskId: 'stitch' };
  },
  executors: {
    'route.segment': async (_p, ctx) => ({ worker: ctx.workerId }),
    'route.stitch': async (_p, ctx) => ({ worker: ctx.workerId }),
  },
};

const caps = (name: string, extra: Partial<Capabilities>): Capabilities => ({
  hostname: name,
  cores: 2,
  memoryMb: 4096,
  gpus: [],
  encoders: [],
  hwaccels: [],
  labels: {},
  ...extra,
});
const NVENC_ONLY = caps('gpu-box', {
  gpus: [{ index: 0, vendor: 'nvidia', model: 'T4', vramMb: 15000 }],
  encoders: ['h264_nvenc'],
});
const CPU_ONLY = caps('laptop', { encoders: ['libx264'] });
const AV1_NVENC = caps('new-gpu', {
  gpus: [{ index: 0, vendor: 'nvidia', model: 'L4', vramMb: 22000 }],
  encoders: ['av1_nvenc'],
});

describe('routing by capability (redis)', () => {
  let redis: Redis;
  let prefix: string;
  let backend: RedisBackend;
  let cleanup: () => Promise<void>;
  const workers: FleetWorker[] = [];
  let registry: PipelineRegistry;
  let storage: FileStorage;

  const startWorker = async (id: string, capabilities: Capabilities) => {
    const worker = new FleetWorker({
      redis,
      prefix,
      registry,
      storage,
      capabilities,
      log: quietLog,
      workerId: id,
      concurrency: 2,
      heartbeatMs: 300,
    });
    await worker.start();
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = await tempDir('ff-routing-'));
    redis = connectRedis(REDIS_URL);
    prefix = uniquePrefix('routing');
    registry = new PipelineRegistry([routePipeline as Pipeline]);
    storage = new FileStorage(join(dir, 'shared'));
    await startWorker('gpu-box', NVENC_ONLY);
    await startWorker('laptop', CPU_ONLY);
    backend = await RedisBackend.open({ redis, prefix, registry, storage, log: quietLog, pollMs: 100 });
  });
  afterAll(async () => {
    await backend?.close();
    await Promise.all(workers.map((w) => w.stop(500)));
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await cleanup();
  });

  it('sends NVENC tasks only to the worker that offers NVENC', async () => {
    const job = await backend.wait(
      (await backend.submit('route-test', { encoder: 'h264_nvenc', codec: 'h264', segments: 6 })).id,
    );
    expect(job.state).toBe('done');
    const segments = job.tasks.filter((t) => t.kind === 'route.segment');
    expect(segments.map((t) => t.worker)).toEqual(Array(6).fill('gpu-box'));
    expect(segments.every((t) => (t.output as { worker: string }).worker === 'gpu-box')).toBe(true);
  });

  it("'auto' picks the best encoder some live worker proved", async () => {
    const job = await backend.wait(
      (await backend.submit('route-test', { encoder: 'auto', codec: 'h264', segments: 2 })).id,
    );
    expect(job.tasks[0]!.requires.features).toEqual(['enc:h264_nvenc']);
    const cpuJob = await backend.wait(
      (await backend.submit('route-test', { encoder: 'libx264', codec: 'h264', segments: 4 })).id,
    );
    expect(cpuJob.tasks.filter((t) => t.kind === 'route.segment').map((t) => t.worker)).toEqual(
      Array(4).fill('laptop'),
    );
  });

  it('a job for an encoder no live worker has waits, says so, and runs once such a worker comes', async () => {
    const planned = await backend.submit('route-test', { encoder: 'av1_nvenc', codec: 'av1', segments: 2 });
    const queued = await backend.submit('route-test', {
      encoder: 'av1_nvenc',
      codec: 'av1',
      segments: 3,
      force: true,
    });
    await until(
      async () => (await backend.get(planned.id))?.waitingFor !== undefined,
      5000,
      'plan-time wait',
    );
    await until(
      async () => (await backend.get(queued.id))?.waitingFor !== undefined,
      5000,
      'queue-time wait',
    );
    const [a, b] = [(await backend.get(planned.id))!, (await backend.get(queued.id))!];
    expect([a.state, a.waitingFor]).toEqual(['waiting', 'waiting for a worker with encoder av1_nvenc']);
    expect([b.state, b.waitingFor]).toEqual(['running', 'waiting for a worker with encoder av1_nvenc']);
    expect(b.tasks.filter((t) => t.kind === 'route.segment').every((t) => t.state === 'pending')).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await backend.get(queued.id))!.state).toBe('running');

    await startWorker('new-gpu', AV1_NVENC);
    const [doneA, doneB] = await Promise.all([backend.wait(planned.id), backend.wait(queued.id)]);
    expect([doneA.state, doneB.state]).toEqual(['done', 'done']);
    expect(doneB.waitingFor).toBeUndefined();
    expect(doneB.tasks.filter((t) => t.kind === 'route.segment').every((t) => t.worker === 'new-gpu')).toBe(
      true,
    );
  });
});
