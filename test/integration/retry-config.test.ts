import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/engine/redis/connection.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';
import { cleanPrefix, exited, REDIS_URL, spawnWorker, uniquePrefix, until } from './redis-fixtures.js';

// `retry:` in framefleet.yaml, through the CLI: a processor that fails its first runs (each run
// appends the time it started to a log) shows how many runs a task got and how long it waited.
const flaky = (log: string, failures: number) => `
processors:
  flaky:
    command:
      - sh
      - -c
      - 'date +%s.%N >> "$0"; [ "$(wc -l < "$0")" -gt ${failures} ] || exit 1; exec "$1" -nostdin -v error -i "$2" -c:v ffv1 -y "$3"'
      - '${log}'
      - '{ffmpeg}'
      - '{input}'
      - '{output}'
`;

describe('retry: in framefleet.yaml', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-retry-config-'));
    source = join(dir, 'source.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=96x64:r=10:d=1', ...FAST_X264, source]);
  });
  afterAll(() => cleanup());

  /** Runs a transcode through `flaky` under `retry`, and returns the result with its runs' start times. */
  async function transcode(name: string, retry: string, failures: number, args?: string[]) {
    const log = join(dir, `${name}.runs`);
    const config = join(dir, `${name}.yaml`);
    await writeFile(config, `${flaky(log, failures)}${retry}`);
    const out = join(dir, `${name}.mp4`);
    const result = await runCli(
      [
        'transcode',
        source,
        '-o',
        out,
        '--process',
        'flaky',
        ...(args ?? ['--data-dir', join(dir, `data-${name}`)]),
      ],
      { FRAMEFLEET_CONFIG: config },
      60_000,
    );
    const starts = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
    const written = await stat(out).then(
      () => true,
      () => false,
    );
    return { ...result, starts, written };
  }

  it('gives a task the attempts it names, waiting backoffSeconds before the first retry', async () => {
    const r = await transcode('waits', 'retry:\n  attempts: 4\n  backoffSeconds: 1.5\n', 1);
    expect(r.code, r.stderr).toBe(0);
    expect(r.written).toBe(true);
    expect(r.starts).toHaveLength(2);
    expect(r.starts[1]! - r.starts[0]!).toBeGreaterThanOrEqual(1.4);
  });

  it('fails the job once its attempts are spent, with nothing at the output', async () => {
    // Two failures against two attempts: the default (three) would have passed.
    const r = await transcode('spent', 'retry:\n  attempts: 2\n  backoffSeconds: 0\n', 2);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PROCESSOR_FAILED');
    expect(r.starts).toHaveLength(2);
    expect(r.written).toBe(false);
    // attempts: 1 never retries.
    const once = await transcode('once', 'retry:\n  attempts: 1\n', 1);
    expect(once.code).not.toBe(0);
    expect(once.starts).toHaveLength(1);
  });

  it('holds on a fleet: the worker that queues the processor tasks gives them the policy', async () => {
    const prefix = uniquePrefix('retry');
    const redis = connectRedis(REDIS_URL);
    const log = join(dir, 'fleet.runs');
    const config = join(dir, 'fleet.yaml');
    await writeFile(config, `${flaky(log, 2)}retry:\n  attempts: 2\n  backoffSeconds: 0\n`);
    const storage = pathToFileURL(join(dir, 'fleet-store')).href;
    const worker = spawnWorker(['--storage', storage, '--prefix', prefix, '--port', '0'], {
      FRAMEFLEET_CONFIG: config,
    });
    const tail = () => (worker as unknown as { tail: () => string }).tail();
    try {
      await until(() => /"port":\d+/.test(tail()), 30_000, 'the worker to start');
      const fleet = ['--redis', REDIS_URL, '--prefix', prefix, '--storage', storage];
      const r = await transcode('fleet', `retry:\n  attempts: 2\n  backoffSeconds: 0\n`, 2, fleet);
      expect(r.code, r.stderr + tail()).not.toBe(0);
      expect(r.stderr).toContain('PROCESSOR_FAILED');
      expect(r.starts).toHaveLength(2);
      expect(r.written).toBe(false);
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
      await cleanPrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('refuses a policy out of range in one line naming the field and the value', async () => {
    const config = join(dir, 'bad.yaml');
    for (const [retry, field] of [
      ['retry:\n  attempts: 0\n', 'retry.attempts'],
      ['retry:\n  backoffSeconds: -1\n', 'retry.backoffSeconds'],
      ['retry:\n  tries: 5\n', 'retry'],
    ] as const) {
      await writeFile(config, retry);
      const r = await runCli(['transcode', source, '-o', join(dir, 'bad.mp4')], {
        FRAMEFLEET_CONFIG: config,
      });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`\`${field}\``);
      expect(r.stderr).toContain('INVALID_CONFIG');
    }
    await rm(config);
  });
});
