import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { type SampleClip } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
import { readSse, startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

// A body-less state-changing request says it is not a cross-site form post.
const CLIENT = { 'x-requested-with': 'test' };

describe('REST API end to end (real ffmpeg, real server)', () => {
  let h: Harness;
  let clip: SampleClip;

  beforeAll(async () => {
    // Heartbeats every 50 ms: a fast machine transcodes the small clip in well under 500 ms, and the
    // stream must still show one.
    h = await startServer({ workers: 2, allowHosts: ['127.0.0.1'], heartbeatMs: 50 });
    clip = await sampleClip({
      path: path.join(h.inputDir, 'clip.mp4'),
      width: 160,
      height: 90,
      fps: 25,
      scenes: [1, 1],
    });
  });
  afterAll(() => h?.close());

  it('submits a transcode, streams events to completion, and the output verifies', async () => {
    const output = path.join(h.outputDir, 'out.mp4');
    const submit = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: clip.path, output, segments: 4, preset: 'fast' },
      }),
    });
    expect(submit.status).toBe(202);
    const job = (await submit.json()) as JobRecord;
    expect(submit.headers.get('location')).toBe(`/v1/jobs/${job.id}`);

    const events = await readSse(`${h.url}/v1/jobs/${job.id}/events`);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('snapshot');
    expect(names.at(-1)).toBe('done');
    expect(names).toContain('progress');
    expect(events.some((e) => e.event === 'comment' && e.comment === 'heartbeat')).toBe(true);
    const started = events.filter(
      (e) => e.event === 'task' && (e.data as { state: string }).state === 'running',
    );
    const finished = events.filter(
      (e) => e.event === 'task' && (e.data as { state: string }).state === 'done',
    );
    expect(finished.length).toBe(started.length);
    const done = events.at(-1)!.data as JobRecord;
    expect(done.state).toBe('done');
    expect(done.progress).toBe(1);

    const detail = (await (await fetch(`${h.url}/v1/jobs/${job.id}`)).json()) as JobRecord;
    expect(started.length).toBe(detail.tasks.length);
    expect(detail.tasks.filter((t) => t.kind === 'transcode.segment').length).toBeGreaterThanOrEqual(2);
    for (const t of detail.tasks) {
      expect(t).toMatchObject({ state: 'done', attempts: 1 });
      expect(t.worker).toBeTruthy();
      expect(Date.parse(t.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(t.startedAt!));
    }
    const info = await probe(output);
    expect(info.video?.frameCount).toBe(clip.frames);
    expect(info.audio).toBeDefined();

    const list = (await (await fetch(`${h.url}/v1/jobs?state=done&limit=10`)).json()) as {
      jobs: { id: string; tasks: { total: number; done: number } }[];
      total: number;
    };
    expect(list.total).toBe(1);
    expect(list.jobs[0]).toMatchObject({
      id: job.id,
      tasks: { total: detail.tasks.length, done: detail.tasks.length },
    });
    const queues = (await (await fetch(`${h.url}/v1/queues`)).json()) as { history: unknown[] };
    expect(Array.isArray(queues.history)).toBe(true);
    const nodes = (await (await fetch(`${h.url}/v1/nodes`)).json()) as { nodes: { live: boolean }[] };
    expect(nodes.nodes[0]?.live).toBe(true);
  });

  it('cancels, retries, and answers unknown ids with NOT_FOUND', async () => {
    const missing = await fetch(`${h.url}/v1/jobs/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no job `nope`' } });
    const output = path.join(h.outputDir, 'cancelled.mp4');
    const submit = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: clip.path, output, segments: 2, preset: 'quality' },
      }),
    });
    const job = (await submit.json()) as JobRecord;
    // Cancel once tasks run (cancelling mid-planning races the engine's retry; see the report).
    for (let i = 0; i < 300 && (await h.runtime.backend.get(job.id))?.state !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const cancelled = (await (
      await fetch(`${h.url}/v1/jobs/${job.id}`, { method: 'DELETE', headers: CLIENT })
    ).json()) as JobRecord;
    expect(cancelled.state).toBe('cancelled');
    await h.runtime.backend.wait(job.id);
    const retried = await fetch(`${h.url}/v1/jobs/${job.id}/retry`, { method: 'POST', headers: CLIENT });
    expect(retried.status).toBe(202);
    // retry() answers before the restarted job leaves `cancelled`; poll the API like a client would.
    let final = cancelled;
    for (let i = 0; i < 300 && final.state !== 'done' && final.state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      final = (await (await fetch(`${h.url}/v1/jobs/${job.id}`)).json()) as JobRecord;
    }
    expect(final.error).toBeUndefined();
    expect(final.state).toBe('done');
    const again = await fetch(`${h.url}/v1/jobs/${job.id}/retry`, { method: 'POST', headers: CLIENT });
    expect(again.status).toBe(409);
  });

  it('streams an upload into storage and accepts it as a job input', async () => {
    const body = await readFile(clip.path);
    const response = await fetch(`${h.url}/v1/uploads?name=up.mp4`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    expect(response.status).toBe(201);
    const stored = (await response.json()) as { key: string; size: number; path: string };
    expect(stored.size).toBe(body.length);
    expect(stored.path.startsWith(h.dataDir)).toBe(true);
    expect((await readFile(stored.path)).equals(body)).toBe(true);
    const submit = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: stored.path, output: path.join(h.outputDir, 'up.mp4'), segments: 2 },
      }),
    });
    expect(submit.status).toBe(202);
    const job = await h.runtime.backend.wait(((await submit.json()) as JobRecord).id);
    expect(job.state).toBe('done');
  });

  it('downloads an http input from an allowed host into storage before the job runs', async () => {
    const body = await readFile(clip.path);
    const origin = createServer((_request, response) => response.end(body));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/media/remote.mp4`;
      const output = path.join(h.outputDir, 'remote.mp4');
      const submit = await fetch(`${h.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'transcode', spec: { input: url, output, segments: 2 } }),
      });
      expect(submit.status).toBe(202);
      const job = (await submit.json()) as JobRecord & { spec: { input: string } };
      expect(job.spec.input.startsWith(path.join(h.dataDir, 'uploads'))).toBe(true);
      expect((await h.runtime.backend.wait(job.id)).state).toBe('done');
      expect((await probe(output)).video?.frameCount).toBe(clip.frames);
    } finally {
      origin.close();
    }
  });

  it('serves an OpenAPI document built from the spec schema', async () => {
    const doc = (await (await fetch(`${h.url}/v1/openapi.json`)).json()) as {
      openapi: string;
      components: { schemas: { TranscodeSpec: { properties: Record<string, unknown>; required: string[] } } };
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.TranscodeSpec.required).toEqual(['input', 'output']);
    expect(doc.components.schemas.TranscodeSpec.properties.segments).toMatchObject({
      type: 'integer',
      maximum: 512,
    });
    expect(Object.keys(doc.paths)).toContain('/v1/jobs/{id}/events');
  });
});
