import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import type { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { probe } from '../../src/media/probe.js';
import { processorsConfigSchema } from '../../src/config/processors.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { processorPipelines, withProcessorFeatures } from '../../src/runtime/processors.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import type { FleetWorker } from '../../src/worker/fleet-worker.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import {
  cpuWorkerCapabilities,
  type FleetOfOne,
  fleetOfOne,
  REDIS_URL,
  uniquePrefix,
} from './redis-fixtures.js';

// One configuration for the whole fleet: a CPU processor and one that needs an NVIDIA GPU.
const processors = processorsConfigSchema.parse({
  copy: {
    command: ['{ffmpeg}', '-nostdin', '-v', 'error', '-i', '{input}', '-c:v', 'ffv1', '-y', '{output}'],
  },
  'gpu-up': {
    command: [
      '{ffmpeg}',
      '-nostdin',
      '-v',
      'error',
      '-i',
      '{input}',
      '-vf',
      'scale=iw*2:ih*2',
      '-y',
      '{output}',
    ],
    scale: 2,
    requires: { device: 'nvidia', minVramMb: 8000 },
  },
});

describe('processor routing on a CPU-only fleet (real Redis, real ffmpeg)', () => {
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('process-routing');
  let temp: { dir: string; cleanup: () => Promise<void> };
  let worker: FleetWorker;
  let backend: RedisBackend;
  let fleet: FleetOfOne;
  let input: string;

  beforeAll(async () => {
    temp = await tempDir('ff-process-routing-');
    input = join(temp.dir, 'in.mp4');
    await sampleClip({ path: input, width: 160, height: 96, fps: 10, scenes: [1, 1], audio: false });
    const registry = new PipelineRegistry([...allPipelines(), ...processorPipelines(processors)]);
    const storage = new FileStorage(join(temp.dir, 'shared'));
    fleet = await fleetOfOne({
      redis,
      prefix,
      registry,
      storage,
      capabilities: withProcessorFeatures(cpuWorkerCapabilities('cpu-only'), processors),
      concurrency: 2,
    });
    ({ worker, backend } = fleet);
  });

  afterAll(async () => {
    await fleet.stop();
    await redis.quit();
    await temp.cleanup();
  });

  it('a CPU worker offers only the CPU processor and runs it from its own pool', async () => {
    expect(worker.queueNames()).toEqual(['ff.control', 'ff.cpu', 'ff.cpu.proc-copy']);
    const spec = {
      input,
      output: join(temp.dir, 'copy.mp4'),
      segments: 2,
      preset: 'fast',
      process: ['copy'],
    };
    const job = await backend.wait((await backend.submit('transcode', spec)).id);
    expect(job.state).toBe('done');
    const segments = job.tasks.filter((t) => t.kind === 'transcode.segment');
    expect(segments.flatMap((t) => t.runs.map((r) => r.pool))).toEqual([
      'ff.cpu.proc-copy',
      'ff.cpu.proc-copy',
    ]);
    expect((await probe(join(temp.dir, 'copy.mp4'))).video!.frameCount).toBe(20);
  });

  it('an NVIDIA processor never runs on the CPU worker: the job waits and says for what', async () => {
    const spec = {
      input,
      output: join(temp.dir, 'up.mp4'),
      segments: 2,
      preset: 'fast',
      process: ['gpu-up'],
    };
    const { id } = await backend.submit('transcode', spec);
    const deadline = Date.now() + 20_000;
    let job = await backend.get(id);
    while (!job?.waitingFor && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      job = await backend.get(id);
    }
    expect(job!.waitingFor).toBe(
      'waiting for a worker with an nvidia GPU with >= 8000 MB VRAM and processor gpu-up',
    );
    // Give the CPU worker time to take the task if routing let it.
    await new Promise((r) => setTimeout(r, 1500));
    job = (await backend.get(id))!;
    const segments = job.tasks.filter((t) => t.kind === 'transcode.segment');
    expect(segments.length).toBe(2);
    expect(segments.every((t) => t.state === 'pending' && t.runs.length === 0)).toBe(true);
    expect(segments[0]!.requires).toMatchObject({ device: 'nvidia', minVramMb: 8000 });
    await backend.cancel(id);
  });

  it('an unknown processor is refused at submit, before any task', async () => {
    const spec = { input, output: join(temp.dir, 'x.mp4'), process: ['ghost'] };
    await expect(backend.submit('transcode', spec)).rejects.toMatchObject({
      code: 'UNKNOWN_PROCESSOR',
      status: 400,
    });
    expect((await backend.list()).total).toBe(2);
  });
});
