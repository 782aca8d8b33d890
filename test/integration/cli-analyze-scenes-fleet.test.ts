import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';
import {
  cpuWorkerCapabilities,
  type FleetOfOne,
  fleetOfOne,
  REDIS_URL,
  uniquePrefix,
} from './redis-fixtures.js';

interface Cut {
  frame: number;
  kind: string;
}

// A new user's fleet trial: the API sent a scene analysis to the fleet, the CLI had no --redis for it.
describe('analyze scenes --redis', () => {
  let dir = '';
  let cleanup = async () => {};
  let redis: Redis;
  let fleet: FleetOfOne;
  let clip = '';
  let fleetArgs: string[] = [];
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-scenes-fleet-'));
    redis = connectRedis(REDIS_URL);
    const prefix = uniquePrefix('scenes-cli');
    fleet = await fleetOfOne({
      redis,
      prefix,
      registry: new PipelineRegistry(allPipelines()),
      storage: new FileStorage(join(dir, 'shared')),
      capabilities: cpuWorkerCapabilities('w1'),
      concurrency: 2,
    });
    clip = join(dir, 'clip.mp4');
    await sampleClip({ path: clip, width: 160, height: 90, fps: 25, scenes: [3, 3, 3] });
    fleetArgs = [
      '--redis',
      REDIS_URL,
      '--prefix',
      prefix,
      '--storage',
      pathToFileURL(join(dir, 'shared')).href,
    ];
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await redis?.quit();
    await cleanup();
  });

  it('runs the analysis as a fleet job in the shards asked for, with the local run’s cuts', async () => {
    const local = await runCli(['analyze', 'scenes', clip, '--json']);
    expect(local.code, local.stderr).toBe(0);
    const localCuts = (JSON.parse(local.stdout) as { cuts: Cut[] }).cuts.map((c) => [c.frame, c.kind]);
    expect(localCuts.length).toBe(2);

    const run = await runCli(['analyze', 'scenes', clip, '--shards', '2', '--json', ...fleetArgs]);
    expect(run.code, run.stderr).toBe(0);
    // stdout is the result alone, as for a local run.
    const result = JSON.parse(run.stdout) as { cuts: Cut[]; frames: number; source: { path: string } };
    expect(result.cuts.map((c) => [c.frame, c.kind])).toEqual(localCuts);
    // Named as given, as a local run names it (the workers read it by its absolute path).
    expect(result.source.path).toBe((JSON.parse(local.stdout) as { source: { path: string } }).source.path);
    const jobs = await fleet.backend.list();
    const job = jobs.jobs.find((j) => j.type === 'analyze.scenes')!;
    expect(job.state).toBe('done');
    expect(job.tasks.filter((t) => t.kind === 'analyze.scenes.shard')).toHaveLength(2);

    const out = join(dir, 'scenes.json');
    const written = await runCli(['analyze', 'scenes', clip, '-o', out, ...fleetArgs]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/4 shots, 3 cuts|3 shots, 2 cuts/);
    const saved = JSON.parse(await readFile(out, 'utf8')) as { cuts: Cut[] };
    expect(saved.cuts.map((c) => [c.frame, c.kind])).toEqual(localCuts);
  }, 120_000);

  it('refuses what a fleet job cannot do, before anything is queued', async () => {
    for (const [args, what] of [
      [['-'], 'an input `-`'],
      [[clip, '--shard-count', '2', '--shard-index', '0'], '--shard-index/--shard-count'],
      [[clip, '--detach', '-o', join(dir, 'never.json')], '-o with --detach'],
    ] as const) {
      const run = await runCli(['analyze', 'scenes', ...args, ...fleetArgs]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--redis runs the analysis as one fleet job: ${what}`);
    }
    expect((await fleet.backend.list()).jobs.filter((j) => j.type === 'analyze.scenes')).toHaveLength(2);
  }, 60_000);
});
