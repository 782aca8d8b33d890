import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { CLI } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';
import { cleanPrefix, exited, REDIS_URL, uniquePrefix, until } from './redis-fixtures.js';

/**
 * A fleet job with no live worker says so at once: the submit stored "waiting for a worker to come
 * online" and published it before the command knew the job's id, so the line was dropped and the
 * command sat silent.
 */
describe('transcode --redis with no worker', () => {
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('no-worker');
  let dir: string;
  let cleanup: () => Promise<void>;
  let input: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-no-worker-'));
    input = join(dir, 'in.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=10:duration=1', '-c:v', 'libx264', input]);
  });
  afterAll(async () => {
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await cleanup();
  });

  it('prints `waiting for a worker to come online` right after the submit', async () => {
    const args = ['transcode', input, '-o', join(dir, 'out.mp4')];
    const fleet = ['--redis', REDIS_URL, '--prefix', prefix, '--storage', pathToFileURL(dir).href];
    const child = spawn(process.execPath, [CLI, ...args, ...fleet], {
      env: { ...process.env, FRAMEFLEET_CONFIG: '', FRAMEFLEET_MODE: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      // The submit is the line's only delay: a start-up, a probe of a one-second clip.
      await until(() => stderr.includes('\n') || child.exitCode !== null, 10_000, 'a line on stderr');
      expect(stderr.split('\n')[0]).toBe('waiting for a worker to come online');
      // Said once, though the record and the event both carry it.
      await new Promise((r) => setTimeout(r, 500));
      expect(stderr.match(/waiting for a worker/g)).toHaveLength(1);
    } finally {
      child.kill('SIGINT');
      await exited(child);
    }
    // Ctrl-C stops following, not the job: it is still queued on the fleet.
    expect(stderr).toMatch(/detached; job \S+ keeps running on the fleet/);
  }, 20_000);
});
