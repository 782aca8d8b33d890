import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { KubeScaler, POD_DELETION_COST } from '../../src/cluster/k8s-scaler.js';
import { poolsConfigSchema } from '../../src/config/pools.js';
import { startServer, type Harness } from '../e2e/harness.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

/**
 * A fake Kubernetes API server: the deployments/scale, deployments, pods list and pod merge-patch
 * endpoints the controller uses, over in-memory objects, recording every request.
 */
class FakeKube {
  deployments = new Map<string, { replicas: number; labels: Record<string, string> }>();
  pods = new Map<string, { labels: Record<string, string>; annotations: Record<string, string> }>();
  requests: { method: string; path: string; contentType: string | undefined; body: unknown }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.handle(req).then(([status, body]) => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        }),
    );
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()) ?? r());
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body: unknown = text ? JSON.parse(text) : undefined;
    const url = new URL(req.url!, this.url);
    this.requests.push({
      method: req.method!,
      path: url.pathname,
      contentType: req.headers['content-type'],
      body,
    });
    if (req.headers.authorization !== 'Bearer fake-token') return [401, { kind: 'Status', code: 401 }];
    let m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/.exec(url.pathname);
    if (m) {
      const [, ns, name, scale] = m;
      const dep = this.deployments.get(name!);
      if (!dep) return [404, { kind: 'Status', code: 404, message: `deployments "${name}" not found` }];
      if (scale && req.method === 'PUT')
        dep.replicas = (body as { spec: { replicas: number } }).spec.replicas;
      const metadata = { name, namespace: ns };
      return scale
        ? [200, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata, spec: { replicas: dep.replicas } }]
        : [
            200,
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata,
              spec: { replicas: dep.replicas, selector: { matchLabels: dep.labels } },
            },
          ];
    }
    m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(url.pathname);
    if (m) {
      const [, ns, name] = m;
      if (!name) {
        const wanted = (url.searchParams.get('labelSelector') ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => kv.split('='));
        const items = [...this.pods]
          .filter(([, p]) => wanted.every(([k, v]) => p.labels[k!] === v))
          .map(([n, p]) => ({
            metadata: { name: n, namespace: ns, labels: p.labels, annotations: p.annotations },
          }));
        return [200, { apiVersion: 'v1', kind: 'PodList', metadata: {}, items }];
      }
      const pod = this.pods.get(name);
      if (!pod || req.method !== 'PATCH') return [404, { kind: 'Status', code: 404 }];
      Object.assign(
        pod.annotations,
        (body as { metadata: { annotations: Record<string, string> } }).metadata.annotations,
      );
      return [
        200,
        { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, annotations: pod.annotations } },
      ];
    }
    return [404, { kind: 'Status', code: 404, message: `no route ${url.pathname}` }];
  }
}

describe('framefleet autoscale: Deployments scaled through @kubernetes/client-node against a fake API server', () => {
  const kube = new FakeKube();
  let kubeconfig: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    await kube.start();
    const tmp = await tempDir('ff-kube-');
    cleanup = tmp.cleanup;
    kubeconfig = path.join(tmp.dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "${kube.url}", insecure-skip-tls-verify: true}}]
users: [{name: ff, user: {token: fake-token}}]
contexts: [{name: fake, context: {cluster: fake, user: ff, namespace: media}}]
current-context: fake
`,
    );
  });
  afterAll(async () => {
    await kube.close();
    await cleanup();
  });
  beforeEach(() => {
    kube.requests = [];
    kube.deployments.clear();
    kube.pods.clear();
  });

  const burstPods = (n: number) => {
    kube.deployments.set('burst', { replicas: n, labels: { app: 'burst' } });
    for (let i = 0; i < n; i++) kube.pods.set(`burst-7f-${i}`, { labels: { app: 'burst' }, annotations: {} });
    kube.pods.set('other-0', { labels: { app: 'other' }, annotations: {} });
  };
  const decision = (desiredReplicas: number) => [
    {
      name: 'nvidia-burst',
      deployment: 'burst',
      desiredReplicas,
      reason: `nvidia-burst -> ${desiredReplicas}`,
    },
  ];

  it('scale-in marks idle pods to go first (pod-deletion-cost by running tasks), then writes the scale', async () => {
    burstPods(3);
    const scaler = KubeScaler.fromFile(kubeconfig);
    const actions = await scaler.reconcile(decision(1), (pod) => (pod === 'burst-7f-1' ? 2 : 0));
    expect(actions).toEqual([
      {
        pool: 'nvidia-burst',
        deployment: 'burst',
        from: 3,
        to: 1,
        reason: 'nvidia-burst -> 1',
        deletionCosts: { 'burst-7f-0': 0, 'burst-7f-1': 2000, 'burst-7f-2': 0 },
      },
    ]);
    expect(kube.deployments.get('burst')!.replicas).toBe(1);
    expect(kube.pods.get('burst-7f-1')!.annotations[POD_DELETION_COST]).toBe('2000');
    expect(kube.pods.get('burst-7f-0')!.annotations[POD_DELETION_COST]).toBe('0');
    expect(kube.pods.get('other-0')!.annotations).toEqual({});
    const patches = kube.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.contentType)).toEqual(Array(3).fill('application/merge-patch+json'));
    expect(patches.every((p) => p.path.startsWith('/api/v1/namespaces/media/pods/'))).toBe(true);
    // The scale is written after the pods are marked.
    const order = kube.requests.map((r) => r.method);
    expect(order.lastIndexOf('PATCH')).toBeLessThan(order.lastIndexOf('PUT'));
  });

  it('scale-up writes only the scale; an unchanged count writes nothing', async () => {
    burstPods(1);
    const scaler = KubeScaler.fromFile(kubeconfig);
    expect(await scaler.reconcile(decision(4), () => 0)).toMatchObject([
      { from: 1, to: 4, deletionCosts: {} },
    ]);
    expect(kube.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /apis/apps/v1/namespaces/media/deployments/burst/scale',
    ]);
    kube.requests = [];
    expect(await scaler.reconcile(decision(4), () => 0)).toEqual([]);
    expect(kube.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it("the CLI applies a real server's pool decisions, and refuses a missing kubeconfig", async () => {
    const config = parseYaml(await readFile('deploy/keda/framefleet.yaml', 'utf8')) as { pools: unknown };
    const pools = poolsConfigSchema.parse(config.pools);
    const h: Harness = await startServer({ workers: 1, pools });
    try {
      kube.deployments.set('framefleet-worker-cpu', { replicas: 3, labels: { pool: 'cpu' } });
      kube.deployments.set('framefleet-worker-nvidia-base', { replicas: 2, labels: { pool: 'nvidia-base' } });
      kube.deployments.set('framefleet-worker-nvidia-burst', {
        replicas: 4,
        labels: { pool: 'nvidia-burst' },
      });
      for (let i = 0; i < 4; i++)
        kube.pods.set(`framefleet-worker-nvidia-burst-x-${i}`, {
          labels: { pool: 'nvidia-burst' },
          annotations: {},
        });
      const result = await runCli(['autoscale', '--kubeconfig', kubeconfig, '--server', h.url, '--once']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // Nothing waits: every pool goes to its minimum; the base pool is already there.
      expect([...kube.deployments].map(([n, d]) => [n, d.replicas])).toEqual([
        ['framefleet-worker-cpu', 1],
        ['framefleet-worker-nvidia-base', 2],
        ['framefleet-worker-nvidia-burst', 0],
      ]);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(
        /^deployment framefleet-worker-nvidia-burst 4 -> 0 \(4 idle pods marked to go first\); nvidia-burst \d+ -> 0: backlog 0 s of work/,
      );
    } finally {
      await h.close();
    }
    const missing = await runCli(['autoscale', '--kubeconfig', '/nonexistent/kubeconfig', '--once']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      'framefleet: error: kubeconfig `/nonexistent/kubeconfig` does not exist [INVALID_ARGUMENT]',
    );
  }, 60_000);
});
