import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { cliProblems, dockerInstructions } from '../helpers/deploy-commands.js';

interface Service {
  image?: string;
  command?: string[] | string;
  entrypoint?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  stop_grace_period?: string;
  deploy?: { resources?: { reservations?: { devices?: { driver: string; capabilities: string[] }[] } } };
}

describe('the command check itself', () => {
  it.each([
    [['server', '--port', '8080'], []],
    [['worker', '--no-such-flag'], ['`framefleet worker` has no --no-such-flag']],
    [['serve'], ['no framefleet command in ["serve"]']],
    [['config'], ['`framefleet config` needs a subcommand']],
    [['analyze', 'scenes', '/in.mp4', '--shard-count', '4'], []],
  ])('%j -> %j', async (argv, problems) => {
    expect(await cliProblems(argv)).toEqual(problems);
  });
});

/** Docker files are not built here (no Docker daemon): their structure and their commands are checked. */
describe('Dockerfiles', () => {
  it.each([
    ['Dockerfile', /^node:20-bookworm-slim$/],
    ['Dockerfile.nvidia', /^nvidia\/cuda:[\d.]+-runtime-/],
  ])(
    '%s: Debian/Ubuntu ffmpeg on the right base, non-root, a health check, framefleet commands that exist',
    async (file, base) => {
      const steps = dockerInstructions(file);
      const froms = steps.filter((s) => s.op === 'FROM').map((s) => s.args.split(' ')[0]);
      expect(froms.at(-1)).toMatch(base);
      expect(steps.some((s) => s.op === 'RUN' && /apt-get install .*\bffmpeg\b/.test(s.args))).toBe(true);
      const user = steps.filter((s) => s.op === 'USER').at(-1)?.args;
      expect(user).toBeDefined();
      expect(['root', '0']).not.toContain(user);
      expect(steps.some((s) => s.op === 'HEALTHCHECK' && s.args.includes('/healthz'))).toBe(true);
      const entry = JSON.parse(steps.find((s) => s.op === 'ENTRYPOINT')!.args) as string[];
      expect(entry.at(-1)).toBe('framefleet');
      const cmd = JSON.parse(steps.find((s) => s.op === 'CMD')!.args) as string[];
      expect(await cliProblems(cmd)).toEqual([]);
    },
  );

  it('Dockerfile.nvidia refuses to build an ffmpeg without NVENC, NVDEC and CUDA', () => {
    const checks = dockerInstructions('Dockerfile.nvidia').filter(
      (s) => s.op === 'RUN' && s.args.includes('grep -q'),
    );
    const text = checks.map((s) => s.args).join(' ');
    for (const name of ['h264_nvenc', 'hevc_nvenc', 'h264_cuvid', 'cuda'])
      expect(text).toContain(`grep -q ${name}`);
    expect(
      dockerInstructions('Dockerfile.nvidia').some((s) => s.op === 'ENV' && s.args.includes('video')),
    ).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    secrets: Record<string, { file: string }>;
  };
  const services = compose.services;

  it('has Redis with AOF and noeviction, a server, a CPU worker, a gpu and a minio profile', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['redis', 'server', 'worker', 'worker-nvidia', 'minio']),
    );
    const redis = (services.redis!.command as string[]).join(' ');
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/--maxmemory-policy noeviction/);
    expect(services.server!.profiles).toBeUndefined();
    expect(services.worker!.profiles).toBeUndefined();
    expect(services['worker-nvidia']!.profiles).toEqual(['gpu']);
    expect(services['worker-nvidia']!.deploy?.resources?.reservations?.devices?.[0]).toMatchObject({
      driver: 'nvidia',
      capabilities: expect.arrayContaining(['gpu', 'video']),
    });
    expect(services.minio!.profiles).toEqual(['minio']);
    // Stopping workers get longer than the config's graceSeconds (600 s) to finish their tasks.
    expect(services.worker!.stop_grace_period).toBe('11m');
  });

  it('every framefleet service runs a command the CLI has, with the config every container reads', async () => {
    const framefleet = Object.entries(services).filter(([, s]) => s.image?.startsWith('framefleet'));
    expect(framefleet.map(([name]) => name).sort()).toEqual(['server', 'worker', 'worker-nvidia']);
    for (const [name, service] of framefleet) {
      expect(await cliProblems(service.command as string[]), name).toEqual([]);
      expect(service.environment?.FRAMEFLEET_CONFIG).toBe('/etc/framefleet/framefleet.yaml');
      const mount = service.volumes!.find((v) => v.endsWith(':/etc/framefleet/framefleet.yaml:ro'))!;
      const config = configSchema.safeParse(parse(readFileSync(mount.split(':')[0]!, 'utf8')));
      expect(config.error, name).toBeUndefined();
      expect(config.data!.server.tokenFile).toBe(`/run/secrets/${Object.keys(compose.secrets)[0]}`);
    }
  });
});
