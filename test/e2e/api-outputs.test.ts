import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { JOB_TYPES } from '../../src/pipelines/job-types.js';
import { link, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { routeTable } from '../../src/server/route-access.js';
import { startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

const TOKEN = 'outputs-test-token';
// A body-less POST names itself as a script's (what a cross-site form cannot send).
const auth = { authorization: `Bearer ${TOKEN}`, 'x-requested-with': 'test' };

// Outputs through the API: never replaced unasked, fetched with the token from inside the roots,
// and finished jobs removable; the OpenAPI document that describes it all is valid.
describe('API outputs', () => {
  let h: Harness;
  let clip: string;

  const submit = (spec: Record<string, unknown>, type = 'transcode') =>
    fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ type, spec: { input: clip, segments: 2, ...spec } }),
    });
  let replaced: JobRecord | undefined;
  const finished = async (response: Response) =>
    h.runtime.backend.wait(((await response.json()) as JobRecord).id);

  beforeAll(async () => {
    h = await startServer({ token: TOKEN });
    clip = (
      await sampleClip({
        path: path.join(h.inputDir, 'clip.mp4'),
        width: 160,
        height: 90,
        fps: 25,
        scenes: [1, 1],
      })
    ).path;
  });
  afterAll(() => h?.close());

  it('publishes a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await fetch(`${h.url}/v1/openapi.json`, { headers: auth })).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/jobs/{id}/output',
        '/v1/jobs/{id}/remove',
        '/v1/jobs/{id}/files/{name}',
        '/v1/jobs/{id}/ladder/{path}',
      ]),
    );
    // Every route the server has is documented, but the dashboard's static files.
    const undocumented = routeTable(h.app)
      .filter((r) => r.method !== 'HEAD' && !(r.public && r.url !== '/healthz'))
      .map((r) => [r.method, r.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}')] as const)
      .filter(
        ([method, url]) => !(doc.paths[url] as Record<string, unknown> | undefined)?.[method.toLowerCase()],
      );
    expect(undocumented).toEqual([]);
  });

  it('an unknown job type is refused with the types there are', async () => {
    const response = await submit({}, 'transcod');
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toContain(
      `\`body.type\` must be one of ${JOB_TYPES.map((t) => t.type).join(', ')}, got \`transcod\``,
    );
  });

  it('an unsupported output extension is refused at submit', async () => {
    const response = await submit({ output: path.join(h.outputDir, 'x.avi') });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    // The allowed extensions in words, not the case-by-case JSON Schema pattern.
    expect(error.message).toBe(
      `invalid body: \`body.spec.output\` must end in .mp4, .m4v, .mov, .mkv, .m3u8, .mpd, got \`${path.join(h.outputDir, 'x.avi')}\``,
    );
    expect((await h.runtime.backend.list()).jobs.map((j) => j.spec)).not.toContainEqual(
      expect.objectContaining({ output: path.join(h.outputDir, 'x.avi') }),
    );
  });

  it('an existing output is kept unless the spec says overwrite: refused at submit with 409', async () => {
    const output = path.join(h.outputDir, 'taken.mp4');
    await writeFile(output, 'mine');
    const refused = await submit({ output });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('OUTPUT_EXISTS');
    expect(
      (await h.runtime.backend.list()).jobs.filter((j) => (j.spec as { output?: string }).output === output),
    ).toEqual([]);
    expect(await readFile(output, 'utf8')).toBe('mine');
    const asInput = await submit({ output: path.join(h.inputDir, 'clip.mp4'), overwrite: true });
    expect(asInput.status).toBe(403);

    replaced = await finished(await submit({ output, overwrite: true }));
    expect(replaced.state).toBe('done');
    expect((await readFile(output)).subarray(4, 8).toString()).toBe('ftyp');
  });

  it('serves a finished job’s output with the token, only from inside the output roots', async () => {
    // The job that replaced taken.mp4 above: one transcode serves both tests.
    const job = replaced!;
    const output = path.join(h.outputDir, 'taken.mp4');
    expect(job.state).toBe('done');
    expect((await fetch(`${h.url}/v1/jobs/${job.id}/output`)).status).toBe(401);
    const response = await fetch(`${h.url}/v1/jobs/${job.id}/output`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="taken.mp4"');
    expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(output))).toBe(true);
    // A range past the end: the catalogue's JSON error, with the size to retry within.
    const past = await fetch(`${h.url}/v1/jobs/${job.id}/output`, {
      headers: { ...auth, range: 'bytes=99999999-' },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-type')).toMatch(/^application\/json/);
    expect(past.headers.get('content-range')).toBe(`bytes */${(await readFile(output)).length}`);
    expect(((await past.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');

    // Checked when served, not when submitted: an output swapped for a link out is refused.
    const outside = path.join(h.dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.txt'), 'not for you');
    await rm(output);
    await symlink(path.join(outside, 'secret.txt'), output);
    const escaped = await fetch(`${h.url}/v1/jobs/${job.id}/output`, { headers: auth });
    expect(escaped.status).toBe(403);
    expect(await escaped.text()).not.toContain('not for you');
    // A hard link to it instead, which no real path reveals: refused when opened, by its link count.
    await rm(output);
    await link(path.join(outside, 'secret.txt'), output);
    const hardLinked = await fetch(`${h.url}/v1/jobs/${job.id}/output`, { headers: auth });
    expect(hardLinked.status).toBe(403);
    expect(await hardLinked.json()).toEqual({
      error: {
        code: 'PATH_FORBIDDEN',
        message: `output \`${output}\` has 2 hard links; a file with another name elsewhere is not served`,
      },
    });
  });

  it('an output swapped for a FIFO is refused at once, and does not block the server', async () => {
    // Found by the server attack: open() of a FIFO for reading waited for a writer, holding one of
    // libuv's four threads per request, so four requests stopped every file operation in the server.
    const job = replaced!;
    const output = path.join(h.outputDir, 'taken.mp4');
    await rm(output, { force: true });
    execFileSync('mkfifo', [output]);
    try {
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          fetch(`${h.url}/v1/jobs/${job.id}/output`, { headers: auth, signal: AbortSignal.timeout(5000) }),
        ),
      );
      for (const response of responses) {
        expect(response.status).toBe(404);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      }
      const upload = await fetch(`${h.url}/v1/uploads?name=after-fifo.bin`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: 'still serving',
        signal: AbortSignal.timeout(5000),
      });
      expect(upload.status).toBe(201);
    } finally {
      // Releases any open() still waiting on the FIFO (only without the fix), then removes it.
      try {
        closeSync(openSync(output, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader waiting: nothing to release
      }
      await rm(output, { force: true });
    }
  });

  it('removes a job just cancelled once its tasks have stopped, not refusing it as "cancelled"', async () => {
    const output = path.join(h.outputDir, 'cancelled.mp4');
    const response = await submit({ output, preset: 'quality', segments: 4 });
    const { id } = (await response.json()) as JobRecord;
    // An encode is running when the job is cancelled: its ffmpeg takes a moment to stop.
    for (let i = 0; i < 600; i++) {
      const job = (await h.runtime.backend.get(id))!;
      if (job.tasks.some((t) => t.state === 'running' && t.kind === 'transcode.segment')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const cancelled = await fetch(`${h.url}/v1/jobs/${id}`, { method: 'DELETE', headers: auth });
    expect(((await cancelled.json()) as JobRecord).state).toBe('cancelled');
    const removed = await fetch(`${h.url}/v1/jobs/${id}/remove`, { method: 'POST', headers: auth });
    expect(removed.status, await removed.clone().text()).toBe(200);
    expect(await removed.json()).toEqual({ removed: id });
    expect((await fetch(`${h.url}/v1/jobs/${id}`, { headers: auth })).status).toBe(404);
    expect(await readdir(path.join(h.dataDir, 'jobs'))).not.toContain(id);
  });

  it('removes a finished job but never its output, and refuses a running one', async () => {
    const output = path.join(h.outputDir, 'keep.mp4');
    const response = await submit({ output, preset: 'quality', segments: 4 });
    const { id } = (await response.json()) as JobRecord;
    const early = await fetch(`${h.url}/v1/jobs/${id}/remove`, { method: 'POST', headers: auth });
    expect(early.status).toBe(409);
    expect((await h.runtime.backend.wait(id)).state).toBe('done');

    expect((await fetch(`${h.url}/v1/jobs/${id}/remove`, { method: 'POST' })).status).toBe(401);
    const removed = await fetch(`${h.url}/v1/jobs/${id}/remove`, { method: 'POST', headers: auth });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ removed: id });
    expect((await fetch(`${h.url}/v1/jobs/${id}`, { headers: auth })).status).toBe(404);
    expect(await readdir(path.join(h.dataDir, 'jobs'))).not.toContain(id);
    expect((await readFile(output)).length).toBeGreaterThan(0);
    const again = await fetch(`${h.url}/v1/jobs/${id}/remove`, { method: 'POST', headers: auth });
    expect(again.status).toBe(404);
  });
});
