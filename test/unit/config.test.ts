import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

describe('framefleet.yaml', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const write = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('gives defaults without a file', async () => {
    const { config, file } = await loadConfig({ cwd: dir, env: {} });
    expect(file).toBeUndefined();
    expect(config).toMatchObject({
      mode: 'local',
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'ff' },
      server: {
        ...{ host: '127.0.0.1', port: 8080, inputRoots: [], maxUploadMb: 1024 },
        ...{ maxUploadsPerClient: 2, maxEventStreamsPerClient: 16, minUploadKibPerS: 16 },
        trustProxy: [],
      },
      worker: { graceSeconds: 30 },
    });
  });

  it('trims a token from the environment or the file as a token file is, and never shows a refused one', async () => {
    const env = (token: string) => loadConfig({ cwd: dir, env: { FRAMEFLEET_API_TOKEN: token } });
    // A Kubernetes secret's trailing newline: kept, no client could ever send the token (401 forever).
    expect((await env('a-long-enough-token\n')).config.server.token).toBe('a-long-enough-token');
    const yaml = await write('token.yaml', 'server:\n  token: "  a-long-enough-token\\t"\n');
    expect((await loadConfig({ cwd: dir, env: {}, file: yaml })).config.server.token).toBe(
      'a-long-enough-token',
    );
    for (const secret of ['secret7', '        ', '   abc   ', 'abcd\u0001efgh-secret']) {
      const error = await env(secret).then(
        () => undefined,
        (e: unknown) => e as Error & { code: string },
      );
      expect(error?.code).toBe('INVALID_CONFIG');
      expect(error?.message).toContain(`got ${secret.trim().length} characters`);
      if (secret.trim()) expect(error?.message).not.toContain(secret.trim());
    }
  });

  it('finds framefleet.yaml in the working directory, resolves relative paths from its folder, reads the token file', async () => {
    await write('token', 'a-long-enough-token\n');
    await write(
      'framefleet.yaml',
      'mode: redis\ndataDir: state\nserver:\n  port: 9000\n  inputRoots: [media, /abs/in]\n  tokenFile: token\n',
    );
    const { config, file } = await loadConfig({ cwd: dir, env: {} });
    expect(file).toBe(join(dir, 'framefleet.yaml'));
    expect(config.mode).toBe('redis');
    expect(config.dataDir).toBe(join(dir, 'state'));
    expect(config.server.inputRoots).toEqual([join(dir, 'media'), '/abs/in']);
    expect(config.server.token).toBe('a-long-enough-token');
  });

  it('lets FRAMEFLEET_* override the file', async () => {
    const file = await write('env.yaml', 'mode: local\nredis: {url: "redis://a:1"}\n');
    const { config } = await loadConfig({
      file,
      env: {
        FRAMEFLEET_MODE: 'auto',
        FRAMEFLEET_REDIS_URL: 'redis://b:2',
        FRAMEFLEET_STORAGE: 's3://bucket/x',
      },
    });
    expect([config.mode, config.redis.url, config.storage]).toEqual(['auto', 'redis://b:2', 's3://bucket/x']);
  });

  it.each([
    ['unknown mode', 'mode: cloud\n', {}, /`mode`.*got `cloud`/],
    ['bad port', 'server:\n  port: 70000\n', {}, /`server.port`.*got `70000`/],
    ['unknown field', 'servre: {}\n', {}, /unrecognized key.*servre/i],
    [
      'a per-client cap of 0',
      'server:\n  maxUploadsPerClient: 0\n',
      {},
      /`server.maxUploadsPerClient`.*got `0`/,
    ],
    [
      'a fractional upload rate',
      'server:\n  minUploadKibPerS: 1.5\n',
      {},
      /`server.minUploadKibPerS`.*got `1.5`/,
    ],
    [
      'a trusted proxy that is no address or CIDR',
      'server:\n  trustProxy: [10.0.0.1, 10.0.0.0/33]\n',
      {},
      /`server.trustProxy.1` expected an IP address or CIDR such as 10.0.0.0\/8, 203.0.113.7 or fd00::\/8, got `10.0.0.0\/33`/,
    ],
    [
      'bad redis URL',
      'redis:\n  url: http://x\n',
      {},
      /`redis.url` expected a redis:\/\/ or rediss:\/\/ URL, got `http:\/\/x`/,
    ],
    [
      'bad storage URL',
      'storage: /data\n',
      {},
      /`storage` expected a file:\/\/ or s3:\/\/ URL, got `\/data`/,
    ],
    ['not a mapping', '- a\n- b\n', {}, /must be a mapping of sections/],
    ['not YAML', 'a: [1,\n', {}, /is not YAML/],
    [
      'a bad override names the variable',
      '',
      { FRAMEFLEET_MODE: 'sideways' },
      /invalid environment variable FRAMEFLEET_MODE: `mode`/,
    ],
  ])('refuses %s with the path and the value', async (_name, text, env, message) => {
    const file = await write(`bad-${Math.random()}.yaml`, text);
    await expect(loadConfig({ file, env })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(message),
    });
  });

  it('never quotes the section around an unknown key: it may hold the token, and settings from the environment', async () => {
    const token = 'supersecret-token-123456';
    const file = await write(
      `unknown-${Math.random()}.yaml`,
      `server:\n  token: ${token}\n  bogus: 1\nextra: 2\n`,
    );
    const error = await loadConfig({ file, env: { FRAMEFLEET_DATA_DIR: '/tmp/from-env' } }).catch(
      (e: Error) => e,
    );
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    const message = (error as Error).message;
    expect(message).toMatch(/unrecognized key.*(bogus|extra)/i);
    expect(message).not.toContain(token);
    expect(message).not.toContain('from-env');
  });

  it('refuses a named file that is missing, and FRAMEFLEET_CONFIG names one too', async () => {
    await expect(loadConfig({ file: join(dir, 'nope.yaml'), env: {} })).rejects.toThrow(
      /nope.yaml` does not exist/,
    );
    await expect(loadConfig({ cwd: dir, env: { FRAMEFLEET_CONFIG: 'gone.yaml' } })).rejects.toThrow(
      /gone.yaml` does not exist/,
    );
  });
});
