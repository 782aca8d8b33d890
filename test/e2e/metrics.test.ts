import path from 'node:path';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

describe('/metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ workers: 2 });
  });
  afterAll(() => h?.close());

  it('is valid Prometheus exposition with the fleet, job and task metrics', async () => {
    const clip = await sampleClip({
      path: path.join(h.inputDir, 'm.mp4'),
      width: 160,
      height: 90,
      fps: 25,
      scenes: [1, 1],
    });
    const submit = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: clip.path, output: path.join(h.outputDir, 'm.mp4'), segments: 2 },
      }),
    });
    const job = (await submit.json()) as JobRecord;
    expect((await h.runtime.backend.wait(job.id)).state).toBe('done');
    await new Promise((r) => setTimeout(r, 100)); // histograms observe after an async get()

    const response = await fetch(`${h.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const families = parsePrometheusTextFormat(text);
    const byName = new Map<string, PromFamily>(families.map((f) => [f.name, f]));

    // Every family is typed and every non-histogram sample line was understood by the parser. (It
    // folds labelled histograms into one entry, so their lines are checked against the grammar below.)
    expect(new Set(text.match(/^# TYPE \S+/gm)).size).toBe(families.length);
    const histograms = families.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name);
    const sampleLines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const isHistogramLine = (l: string) =>
      histograms.some((n) => /^(\S+?)_(bucket|sum|count)[{ ]/.exec(l)?.[1] === n);
    const plain = families.filter((f) => f.type !== 'HISTOGRAM').reduce((n, f) => n + f.metrics.length, 0);
    expect(plain).toBe(sampleLines.filter((l) => !isHistogramLine(l)).length);
    const histogramLine =
      /^[a-z_]+_(bucket|sum|count)(\{([a-z_]+="[^"\\]*",?)*\})? (\d+(\.\d+)?(e[+-]?\d+)?|NaN|\+Inf)$/;
    for (const line of sampleLines.filter(isHistogramLine)) expect(line).toMatch(histogramLine);
    const sample = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);

    const value = (name: string, labels: Record<string, string>) =>
      Number(
        byName.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
          ?.value,
      );
    expect(byName.get('framefleet_jobs')?.type).toBe('GAUGE');
    expect(value('framefleet_jobs', { state: 'done' })).toBe(1);
    expect(value('framefleet_jobs', { state: 'failed' })).toBe(0);
    expect(value('framefleet_workers', { capability: 'cpu' })).toBe(1);
    expect(value('framefleet_workers', { capability: 'encoder:libx264' })).toBe(1);
    expect(byName.get('framefleet_encode_fps')?.type).toBe('GAUGE');
    for (const name of ['waiting_tasks', 'active_tasks', 'delayed_tasks', 'oldest_wait_seconds']) {
      expect(byName.get(`framefleet_pool_${name}`)?.type).toBe('GAUGE');
    }
    // The job's three tasks of the cpu pool finished in the last hour (two segments, the stitch; audio: none).
    expect(value('framefleet_pool_finished_last_hour', { pool: 'ff.cpu' })).toBeGreaterThanOrEqual(3);
    expect(value('framefleet_pool_waiting_tasks', { pool: 'ff.cpu' })).toBe(0);
    expect(byName.get('framefleet_task_retries_total')?.type).toBe('COUNTER');
    expect(byName.get('framefleet_gpu_utilization_ratio')?.type).toBe('GAUGE');

    expect(byName.get('framefleet_task_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(byName.get('framefleet_job_latency_seconds')?.type).toBe('HISTOGRAM');
    expect(
      sample(/^framefleet_task_duration_seconds_count\{kind="transcode.segment",pool="ff.cpu"\} (\d+)$/m),
    ).toBe(2);
    expect(sample(/^framefleet_job_latency_seconds_count\{state="done"\} (\d+)$/m)).toBe(1);
    expect(sample(/^framefleet_job_latency_seconds_bucket\{le="\+Inf",state="done"\} (\d+)$/m)).toBe(1);
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${h.url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${h.url}/readyz`)).json()).toEqual({ ok: true, backend: 'local' });
  });
});
