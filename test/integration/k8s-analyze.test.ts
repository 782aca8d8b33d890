import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';

interface PodSpec {
  containers: { args: string[]; env: { name: string; value?: string }[] }[];
}
interface JobBody {
  metadata: { name: string; namespace: string };
  spec: { completions: number; completionMode: string; template: { spec: PodSpec } };
}

/**
 * A fake Kubernetes API server (node:http) whose "kubelet" really runs each pod's args with the real
 * CLI, JOB_COMPLETION_INDEX set and $(VAR) expanded as Kubernetes does; or fails the Job on demand.
 */
class FakeKube {
  server: Server = createServer(
    (req, res) =>
      void this.handle(req).then(([code, body]) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }),
  );
  jobs = new Map<string, { body: JobBody; succeeded: number; failed: boolean }>();
  requests: string[] = [];
  failNext = false;

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    this.requests.push(`${req.method} ${req.url?.split('?')[0]}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/?]+))?(\/status)?/.exec(req.url ?? '');
    if (!m) return [404, { kind: 'Status', message: `no route ${req.url}` }];
    if (req.method === 'POST') {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as JobBody;
      const job = { body, succeeded: 0, failed: this.failNext };
      this.jobs.set(body.metadata.name, job);
      if (!job.failed) void this.run(job);
      return [201, body];
    }
    const job = this.jobs.get(m[2] ?? '');
    if (!job) return [404, { kind: 'Status', message: `jobs.batch "${m[2]}" not found` }];
    if (req.method === 'DELETE') return [200, { kind: 'Status', status: 'Success' }];
    const conditions = job.failed
      ? [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ]
      : [];
    return [200, { ...job.body, status: { succeeded: job.succeeded, conditions } }];
  }

  /** Each index as a pod would run it: the container's args, its env, $(VAR) expanded. */
  private async run(job: { body: JobBody; succeeded: number }): Promise<void> {
    const container = job.body.spec.template.spec.containers[0]!;
    await Promise.all(
      Array.from({ length: job.body.spec.completions }, async (_, index) => {
        const env: Record<string, string> = { JOB_COMPLETION_INDEX: String(index), FRAMEFLEET_CONFIG: '' };
        const args = container.args.map((a) => a.replace(/\$\((\w+)\)/g, (_m, v: string) => env[v] ?? ''));
        const code = await new Promise<number | null>((done) =>
          spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' }).on(
            'close',
            done,
          ),
        );
        if (code === 0) job.succeeded += 1;
      }),
    );
  }
}

describe('framefleet k8s analyze (fake API server, real CLI in the "pods")', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let data: string;
  let kubeconfig: string;
  const kube = new FakeKube();

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-k8s-'));
    data = join(dir, 'data');
    await mkdir(join(data, 'inbox'), { recursive: true });
    await sampleClip({
      path: join(data, 'inbox', 'clip.mp4'),
      width: 160,
      height: 90,
      fps: 25,
      scenes: [1, 1, 1],
    });
    const port = await kube.listen();
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'fake', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'me', user: { token: 'fake-token' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'me' } }],
        'current-context': 'fake',
      }),
    );
  }, 60_000);
  afterAll(async () => {
    kube.server.close();
    await cleanup();
  });

  const k8s = (args: string[]) =>
    runCli(
      ['k8s', 'analyze', ...args, '--data-mount', data],
      { KUBECONFIG: kubeconfig, FRAMEFLEET_CONFIG: '' },
      120_000,
    );

  it('creates a valid Indexed Job, waits for every shard, aggregates the same cuts as a local sharded run', async () => {
    const input = join(data, 'inbox', 'clip.mp4');
    const result = await k8s([input, '--shards', '2', '--json', '--namespace', 'media']);
    expect(result.code, result.stderr).toBe(0);
    const [job] = [...kube.jobs.values()];
    expect(() => new Job(job!.body as never).validate()).not.toThrow();
    expect(job!.body.metadata.namespace).toBe('media');
    expect(job!.body.spec).toMatchObject({ completionMode: 'Indexed', completions: 2 });
    const name = job!.body.metadata.name;
    expect(kube.requests).toContain(`DELETE /apis/batch/v1/namespaces/media/jobs/${name}`);
    // Partials were removed with the Job; the result matches the in-process sharded analysis.
    expect(await readdir(join(data, 'scratch', 'k8s'))).toEqual([]);
    const local = await runCli(['analyze', 'scenes', input, '--shards', '2', '--json'], {
      FRAMEFLEET_CONFIG: '',
    });
    const cuts = (text: string) => (JSON.parse(text) as { cuts: unknown[] }).cuts;
    expect(cuts(result.stdout)).toEqual(cuts(local.stdout));
    expect(cuts(result.stdout).length).toBeGreaterThanOrEqual(2);
  });

  it('a failed Job is one line naming it and how to read its logs', async () => {
    kube.failNext = true;
    const result = await k8s([join(data, 'inbox', 'clip.mp4'), '--shards', '2']);
    kube.failNext = false;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Job framefleet\/ff-scenes-\w+ failed \(BackoffLimitExceeded: .*\); see `kubectl -n framefleet logs job\/ff-scenes-\w+`/,
    );
  });

  it('refuses an input outside the shared volume, and an unreachable API, in one line', async () => {
    const outside = await k8s(['/etc/hostname', '--shards', '2']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('the input must be a path under --data-mount');
    const down = join(dir, 'down.json');
    await writeFile(down, (await readFile(kubeconfig, 'utf8')).replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    const unreachable = await runCli(
      ['k8s', 'analyze', join(data, 'inbox', 'clip.mp4'), '--shards', '2', '--data-mount', data],
      { KUBECONFIG: down, FRAMEFLEET_CONFIG: '' },
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(
      /cannot create Job `ff-scenes-\w+` in namespace `framefleet`: .*\[BACKEND_UNAVAILABLE\]/,
    );
  });
});
