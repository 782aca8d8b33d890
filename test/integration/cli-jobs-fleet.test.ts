import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { RedisBackend } from '../../src/engine/redis/redis-backend.js';
import { PipelineRegistry } from '../../src/engine/registry.js';
import { allPipelines } from '../../src/pipelines/job-types.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';
import {
  cleanPrefix,
  cpuWorkerCapabilities,
  fleetOfOne,
  quietLog,
  REDIS_URL,
  uniquePrefix,
} from './redis-fixtures.js';

// A new user's fleet trial: the CLI could submit to the fleet but not list, show, cancel or retry
// its jobs (`jobs` read the local data dir only).
describe('framefleet jobs --redis: the fleet’s jobs from the CLI', () => {
  let dir = '';
  let cleanup = async () => {};
  let redis: Redis;
  let input = '';
  const registry = new PipelineRegistry(allPipelines());
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-cli-jobs-fleet-'));
    redis = connectRedis(REDIS_URL);
    input = join(dir, 'in.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=2', ...FAST_X264, input]);
  });
  afterAll(async () => {
    await redis?.quit();
    await cleanup();
  });
  const cli = (prefix: string, ...args: string[]) =>
    runCli([...args, '--redis', REDIS_URL, '--prefix', prefix]);

  it('lists and shows a job a worker ran', async () => {
    const prefix = uniquePrefix('cli-jobs');
    const fleet = await fleetOfOne({
      redis,
      prefix,
      registry,
      storage: new FileStorage(join(dir, 'shared')),
      capabilities: cpuWorkerCapabilities('w1'),
      concurrency: 2,
    });
    try {
      const { id } = await fleet.backend.submit('transcode', { input, output: join(dir, 'out.mp4') });
      expect((await fleet.backend.wait(id)).state).toBe('done');
      // FRAMEFLEET_DATA_DIR (the local engine's) does not stand in the way of --redis.
      const list = await runCli(['jobs', 'list', '--redis', REDIS_URL, '--prefix', prefix], {
        FRAMEFLEET_DATA_DIR: join(dir, 'local-data'),
      });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`^ID +TYPE +STATE .*\\n${id} +transcode +done +100% `));
      const json = await cli(prefix, 'jobs', 'list', '--json');
      expect(JSON.parse(json.stdout)).toEqual([
        expect.objectContaining({ id, state: 'done', shownState: 'done' }),
      ]);
      // By the start of its hash, as for local jobs.
      const shown = await cli(prefix, 'jobs', 'show', id.slice('transcode-'.length, 'transcode-'.length + 6));
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(`job       ${id}\n`);
      expect(shown.stdout).toContain('state     done\n');
      expect(shown.stdout).toContain(`input     ${input}\n`);
      const cancel = await cli(prefix, 'jobs', 'cancel', id);
      expect([cancel.code, cancel.stdout]).toEqual([0, `job ${id} is already done: nothing to cancel\n`]);
      const retry = await cli(prefix, 'jobs', 'retry', id);
      expect(retry.code).toBe(2);
      expect(retry.stderr).toBe(
        `framefleet: error: job ${id} is done: only a failed or cancelled job can be retried [INVALID_ARGUMENT]\n`,
      );
    } finally {
      await fleet.stop();
    }
  }, 120_000);

  it('cancels a queued job and queues it again with retry', async () => {
    const prefix = uniquePrefix('cli-jobs-cancel');
    // No worker: the job waits in its queue.
    const backend = await RedisBackend.open({
      ...{ redis, prefix, registry, log: quietLog, pollMs: 100 },
      storage: new FileStorage(join(dir, 'shared2')),
    });
    try {
      const { id } = await backend.submit('transcode', { input, output: join(dir, 'never.mp4') });
      const cancel = await cli(prefix, 'jobs', 'cancel', id);
      expect([cancel.code, cancel.stdout, cancel.stderr]).toEqual([0, `job ${id} cancelled\n`, '']);
      expect((await backend.get(id))?.state).toBe('cancelled');
      const shown = await cli(prefix, 'jobs', 'show', id);
      // The hint names the prefix this fleet uses (a copied hint looked under the default one).
      expect(shown.stdout).toContain(
        `state     cancelled (retry with \`framefleet jobs retry ${id} --redis URL --prefix ${prefix}\`)\n`,
      );
      const retry = await cli(prefix, 'jobs', 'retry', id);
      expect(retry.code, retry.stderr).toBe(0);
      expect(retry.stdout).toBe(
        `job ${id} queued again: \`framefleet jobs show ${id} --redis URL --prefix ${prefix}\` follows it\n`,
      );
      expect((await backend.get(id))?.state).toBe('queued');
      // An output that exists is refused before anything is queued, in the CLI's words: with
      // --detach the job was queued and failed later, saying `overwrite: true` as the API does.
      const jobsBefore = (await backend.list()).total;
      const existing = join(dir, 'existing.mp4');
      await writeFile(existing, 'made earlier');
      const detached = await runCli([
        ...['transcode', input, '-o', existing, '--detach'],
        ...['--redis', REDIS_URL, '--prefix', prefix, '--storage', `file://${join(dir, 'shared2')}`],
      ]);
      expect(detached.code).toBe(2);
      expect(detached.stderr).toMatch(
        /already exists; give -y\/--overwrite to replace it \[OUTPUT_EXISTS\]\n$/,
      );
      expect((await backend.list()).total).toBe(jobsBefore);
      const missing = await cli(prefix, 'jobs', 'show', 'transcode-0000');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(
        /^framefleet: error: no job `transcode-0000` on the fleet .* \[NOT_FOUND\]\n$/,
      );
    } finally {
      await backend.close();
      await cleanPrefix(redis, prefix);
    }
  }, 120_000);

  it('cancel and retry say they need --redis', async () => {
    const run = await runCli(['jobs', 'retry', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^framefleet: error: jobs retry needs --redis: .* \[INVALID_ARGUMENT\]\n$/);
  });
});
