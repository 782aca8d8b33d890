import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';
import { cleanPrefix, freePort, REDIS_URL, uniquePrefix } from './redis-fixtures.js';

/** framefleet.yaml through the real CLI: discovery, modes, precedence, check/print, bad files. */
describe('framefleet.yaml in every command', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let input: string;
  const redis = connectRedis(REDIS_URL);
  const prefix = uniquePrefix('config');
  // No FRAMEFLEET_* from the outer environment: each test names its own.
  const env = { FRAMEFLEET_CONFIG: '', FRAMEFLEET_MODE: '', FRAMEFLEET_REDIS_URL: '', FRAMEFLEET_PREFIX: '' };
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    runCli(args, { ...env, ...extra }, 90_000);
  const config = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-config-cli-'));
    input = join(dir, 'in.mp4');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=10',
      '-t',
      '2',
      '-pix_fmt',
      'yuv420p',
      input,
    ]);
  });
  afterAll(async () => {
    await cleanPrefix(redis, prefix);
    redis.disconnect();
    await cleanup();
  });

  it('auto without Redis says so in one line and runs here, in the dataDir the file names', async () => {
    const port = await freePort();
    const file = await config(
      'auto-down.yaml',
      `mode: auto\nredis:\n  url: redis://127.0.0.1:${port}\ndataDir: state\n`,
    );
    const out = join(dir, 'local.mp4');
    const result = await cli(['--config', file, 'transcode', input, '-o', out, '-q']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `framefleet: mode auto: Redis at \`redis://127.0.0.1:${port}\` is unreachable (ECONNREFUSED); running locally`,
    ]);
    // The job is in the file's dataDir (relative to the file), and a flag still wins over the file.
    const listed = await cli(['--config', file, 'jobs', 'list', '--json']);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(1);
    const elsewhere = await cli([
      '--config',
      file,
      'jobs',
      'list',
      '--json',
      '--data-dir',
      join(dir, 'empty'),
    ]);
    expect(JSON.parse(elsewhere.stdout)).toEqual([]);
  });

  it('auto with Redis uses it: the job is enqueued on the fleet with the file’s prefix and storage', async () => {
    const file = await config(
      'auto-up.yaml',
      `mode: auto\nredis:\n  url: ${REDIS_URL}\n  prefix: ${prefix}\nstorage: ${pathToFileURL(dir).href}\n`,
    );
    // --detach is refused without --redis, so a job id proves the mode chose the fleet.
    const result = await cli([
      '--config',
      file,
      'transcode',
      input,
      '-o',
      join(dir, 'fleet.mp4'),
      '--detach',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('running locally');
    const jobId = result.stdout.trim();
    expect(await redis.hget(`${prefix}:job:${jobId}`, 'state')).toMatch(
      /^(queued|planning|running|waiting)$/,
    );
  });

  it('FRAMEFLEET_CONFIG finds the file; print masks secrets and shows overrides', async () => {
    const file = await config(
      'secret.yaml',
      'mode: redis\nredis:\n  url: redis://:hunter2hunter2@cache:6379\nserver:\n  token: a-very-secret-token\n',
    );
    const result = await cli(['config', 'print', '--json'], {
      FRAMEFLEET_CONFIG: file,
      FRAMEFLEET_PREFIX: 'blue',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/hunter2|a-very-secret-token/);
    expect(JSON.parse(result.stdout)).toMatchObject({
      mode: 'redis',
      redis: { url: 'redis://:***@cache:6379', prefix: 'blue' },
      server: { token: '***', port: 8080 },
    });
    const check = await cli(['config', 'check'], { FRAMEFLEET_CONFIG: file });
    expect([check.code, check.stdout.trim()]).toEqual([0, `config \`${file}\`: valid; mode redis`]);
  });

  it.each([
    [
      'a bad Redis URL',
      'redis:\n  url: http://cache\n',
      /`redis.url` expected a redis:\/\/ or rediss:\/\/ URL, got `http:\/\/cache`/,
    ],
    ['a negative port', 'server:\n  port: -1\n', /`server.port` .*got `-1`/],
    ['an unknown mode', 'mode: cloud\n', /`mode` .*got `cloud`/],
    ['an unknown section', 'retentoin: {}\n', /unrecognized key.*retentoin/i],
    ['negative retention', 'retention:\n  intermediateDays: -3\n', /`retention.intermediateDays` .*got `-3`/],
  ])('refuses %s with the path and exit 2, in check and in any command', async (_name, text, message) => {
    const file = await config(`bad-${Math.random()}.yaml`, text);
    for (const args of [
      ['config', 'check'],
      ['jobs', 'list'],
    ]) {
      const result = await cli(['--config', file, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('[INVALID_CONFIG]');
    }
  });

  it('worker without --storage names the config field it can come from', async () => {
    const result = await cli(['worker', '--redis', 'redis://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('worker needs --storage (or `storage:` in framefleet.yaml)');
  });
});
