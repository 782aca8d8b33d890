import { readFile } from 'node:fs/promises';
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { deploymentOf, poolsConfigSchema, type PoolConfig } from '../../src/config/pools.js';
import type { JobRecord } from '../../src/engine/types.js';
import { type SampleClip } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
import { startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

const KEDA = path.resolve('deploy/keda');

interface ScaledSpec {
  scaleTargetRef: { name: string };
  minReplicaCount: number;
  maxReplicaCount: number;
  triggers: { metadata: Record<string, string> }[];
}

describe('scaling API, KEDA manifests and job cost (real server, real ffmpeg)', () => {
  let h: Harness;
  let clip: SampleClip;
  let pools: PoolConfig[];

  beforeAll(async () => {
    const config = parseYaml(await readFile(path.join(KEDA, 'framefleet.yaml'), 'utf8')) as {
      pools: unknown;
    };
    pools = poolsConfigSchema.parse(config.pools);
    // The local engine runs ff.cpu tasks; price them through the manifests' cpu pool.
    h = await startServer({ workers: 2, pools });
    clip = await sampleClip({
      path: path.join(h.inputDir, 'clip.mp4'),
      width: 160,
      height: 90,
      fps: 25,
      scenes: [1, 1],
    });
  }, 60_000);
  afterAll(() => h?.close());

  it('every ScaledObject reads a configured pool through the metrics-api scaler at a real route', async () => {
    const docs = parseAllDocuments(await readFile(path.join(KEDA, 'scaledobjects.yaml'), 'utf8')).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string }; spec: ScaledSpec },
    );
    const scaled = docs.filter((d) => d.kind === 'ScaledObject');
    expect(scaled.map((d) => d.metadata.name).sort()).toEqual(
      pools.map((p) => `framefleet-${p.name}`).sort(),
    );
    const auth = docs.find((d) => d.kind === 'TriggerAuthentication')!;
    for (const so of scaled) {
      const pool = pools.find((p) => `framefleet-${p.name}` === so.metadata.name)!;
      expect(so.spec.scaleTargetRef.name).toBe(deploymentOf(pool));
      expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([
        pool.minReplicas,
        pool.maxReplicas,
      ]);
      const trigger = so.spec.triggers[0]!;
      expect(trigger).toMatchObject({
        type: 'metrics-api',
        metricType: 'AverageValue',
        authenticationRef: { name: auth.metadata.name },
        metadata: { format: 'json', valueLocation: 'desiredReplicas', targetValue: '1', authMode: 'bearer' },
      });
      const route = new URL(trigger.metadata.url!).pathname;
      expect(route).toBe(`/v1/scaling/pools/${pool.name}`);
      const answer = await fetch(`${h.url}${route}`);
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as Record<string, unknown>;
      // What KEDA reads at valueLocation: a whole number of replicas within the pool's bounds.
      expect(Number.isInteger(body.desiredReplicas)).toBe(true);
      expect(body.desiredReplicas).toBeGreaterThanOrEqual(pool.minReplicas);
      expect(body.desiredReplicas).toBeLessThanOrEqual(pool.maxReplicas);
      expect(body).toMatchObject({ pool: pool.name, waiting: 0, backlogSeconds: 0 });
    }
  });

  it('a pool that matches nothing is a 404 naming the known pools, never a silent 0', async () => {
    const answer = await fetch(`${h.url}/v1/scaling/pools/nvidia-brust`);
    expect(answer.status).toBe(404);
    const { error: body } = (await answer.json()) as {
      error: { code: string; message: string; details: { knownPools: string[] } };
    };
    expect(body.code).toBe('NOT_FOUND');
    expect(body.message).toBe('no pool `nvidia-brust`; known pools: cpu, nvidia-base, nvidia-burst');
    expect(body.details.knownPools).toEqual(['cpu', 'nvidia-base', 'nvidia-burst']);
    const list = (await (await fetch(`${h.url}/v1/scaling/pools`)).json()) as {
      pools: { name: string; desiredReplicas: number; reason: string }[];
    };
    expect(list.pools.map((p) => p.name)).toEqual(['cpu', 'nvidia-base', 'nvidia-burst']);
    expect(list.pools[2]!.reason).toMatch(/^nvidia-burst \d+ -> \d+: backlog 0 s of work/);
  });

  it("a job's cost is its runs' worker-seconds times the pool price, in the API and on /metrics", async () => {
    const output = path.join(h.outputDir, 'cost.mp4');
    const submit = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: clip.path, output, segments: 3, preset: 'fast' },
      }),
    });
    expect(submit.status).toBe(202);
    const { id } = (await submit.json()) as JobRecord;
    await h.runtime.backend.wait(id);
    const job = (await (await fetch(`${h.url}/v1/jobs/${id}`)).json()) as JobRecord & {
      cost: { total: number; byPool: Record<string, { seconds: number; cost: number }> };
    };
    expect(job.state).toBe('done');
    expect((await probe(output)).video?.frameCount).toBe(clip.frames);
    const price = pools.find((p) => p.name === 'cpu')!.pricePerHour;
    let seconds = 0;
    for (const task of job.tasks)
      for (const run of task.runs)
        if (run.outcome !== 'reused' && run.finishedAt)
          seconds += (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeCloseTo(job.usage['ff.cpu']!, 2);
    expect(job.cost.byPool.cpu!.seconds).toBeCloseTo(seconds, 6);
    expect(job.cost.total).toBeCloseTo((seconds * price) / 3600, 9);

    const text = await (await fetch(`${h.url}/metrics`)).text();
    const family = parsePrometheusTextFormat(text).find(
      (f) => f.name === 'framefleet_job_cost_dollars_total',
    );
    const sample = family?.metrics.find(
      (m) => (m as { labels?: Record<string, string> }).labels?.pool === 'cpu',
    ) as { value: string } | undefined;
    expect(Number(sample?.value)).toBeCloseTo(job.cost.total, 9);
  }, 120_000);
});
