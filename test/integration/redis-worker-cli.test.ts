import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { probe } from '../../src/media/probe.js';
import { CLI } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import { cleanPrefix, exited, REDIS_URL, spawnWorker, uniquePrefix, until } from './redis-fixtures.js';

/** `framefleet <args>` from the build; resolves with its exit code and stdout. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => done({ code, stdout }));
  });
}

describe('framefleet worker / nodes / queues (processes)', () => {
  const prefix = uniquePrefix('cli');
  const redis = connectRedis(REDIS_URL);
  let dir: string;
  let cleanup: () => Promise<void>;
  let worker: ReturnType<typeof spawnWorker> | undefined;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-worker-cli-'));
  });
  afterAll(async () => {
    // A failed assertion must not leave the worker process running.
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGKILL');
      await exited(worker);
    }
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await cleanup();
  });

  it('registers with its capabilities, serves health and metrics, and leaves cleanly on SIGTERM', async () => {
    const caps = join(dir, 'caps.yaml');
    await writeFile(caps, 'detect: false\nencoders: [libx264]\nlabels: {pool: test}\n');
    worker = spawnWorker(
      [
        '--storage',
        pathToFileURL(dir).href,
        '--prefix',
        prefix,
        '--capabilities',
        caps,
        '--id',
        'cli-w1',
        '--port',
        '0',
        '--concurrency',
        '3',
      ],
      {},
    );
    const log = () => (worker as unknown as { tail: () => string }).tail();
    await until(() => /"port":\d+/.test(log()), 30_000, 'the worker to start');
    const port = Number(/"port":(\d+)/.exec(log())![1]);
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect((await get('/readyz')).status).toBe(200);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/framefleet_worker_slots\{slot="cpu"\} 3/);
    // No GPU here: no GPU slots offered, as `nodes` shows below.
    expect(metrics).toMatch(/framefleet_worker_slots\{slot="gpu"\} 0/);

    const nodes = JSON.parse((await cli(['nodes', '--prefix', prefix, '--json'])).stdout) as {
      id: string;
      capabilities: { encoders: string[]; labels: Record<string, string> };
      queues: string[];
      slots: { cpu: number; gpu: number };
    }[];
    expect(nodes.map((n) => n.id)).toEqual(['cli-w1']);
    expect(nodes[0]!.capabilities.encoders).toEqual(['libx264']);
    expect(nodes[0]!.capabilities.labels.pool).toBe('test');
    expect(nodes[0]!.queues).toEqual(['ff.control', 'ff.cpu']);
    // No GPU: its 3 CPU slots are all it can fill (it counted 2 GPU slots too: LOAD 0/5).
    expect(nodes[0]!.slots).toEqual({ cpu: 3, gpu: 0 });
    const table = (await cli(['nodes', '--prefix', prefix])).stdout.split('\n');
    expect(table[0]).toMatch(/ LOAD /);
    expect(table[1]!.slice(table[0]!.indexOf('LOAD')).split(/\s+/)[0]).toBe('0/3');
    const queues = JSON.parse((await cli(['queues', '--prefix', prefix, '--json'])).stdout) as {
      queue: string;
    }[];
    expect(queues[0]).toMatchObject({ queue: 'ff.control', waiting: 0, active: 0, failedLastHour: 0 });

    // The same job command runs on the fleet with --redis: planned, encoded and stitched by the worker.
    const clip = join(dir, 'clip.mp4');
    await sampleClip({ path: clip, width: 160, height: 90, fps: 10, scenes: [1, 1] });
    const output = join(dir, 'fleet-out.mp4');
    const fleetArgs = ['--redis', REDIS_URL, '--prefix', prefix, '--storage', pathToFileURL(dir).href];
    const run = await cli(['transcode', clip, '-o', output, '--segments', '2', '--json', ...fleetArgs]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      jobId: string;
      state: string;
      frames: number;
    };
    expect(result).toMatchObject({ state: 'done', frames: 20 });
    expect((await probe(output)).video?.frameCount).toBe(20);
    // Recorded in Redis: the fleet ran it, not this process.
    expect(await redis.hget(`${prefix}:job:${result.jobId}`, 'state')).toBe('done');
    // --redis without --storage is a usage error.
    expect((await cli(['transcode', clip, '-o', output, '--redis', REDIS_URL])).code).toBe(2);
    // --clean says what it removed (it was silent); a second one finds nothing.
    const cleaned = await cli(['queues', '--prefix', prefix, '--clean']);
    expect(cleaned.stdout).toMatch(/^removed \d+ completed and \d+ failed tasks?\nPOOL /);
    expect((await cli(['queues', '--prefix', prefix, '--clean'])).stdout).toMatch(
      /^removed 0 completed and 0 failed tasks\n/,
    );

    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
    expect(await redis.exists(`${prefix}:node:cli-w1`)).toBe(0);
  }, 60_000);
});
