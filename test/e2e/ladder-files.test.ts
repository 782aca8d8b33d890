import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { sampleClip } from '../helpers/media.js';
import { startServer, type Harness } from './harness.js';

async function run(h: Harness, spec: Record<string, unknown>): Promise<JobRecord> {
  const r = await fetch(`${h.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'transcode', spec: { segmentSeconds: 1, preset: 'fast', ...spec } }),
  });
  const submitted = (await r.json()) as JobRecord;
  expect(r.status, JSON.stringify(submitted)).toBe(202);
  for (const until = Date.now() + 100_000; Date.now() < until;) {
    const job = (await (await fetch(`${h.url}/v1/jobs/${submitted.id}`)).json()) as JobRecord;
    if (['done', 'failed', 'cancelled'].includes(job.state)) return job;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`job ${submitted.id} did not finish`);
}

// A ladder's rendition folders may hold what is not the ladder's: a foreign playlist the job
// replaced without `overwrite`, an operator's notes.txt the ladder route served as the job's.
describe('ladder API: folders and files that are not the ladder own', () => {
  let h: Harness;
  let clip = '';
  beforeAll(async () => {
    h = await startServer({ workers: 2 });
    clip = (
      await sampleClip({ path: path.join(h.inputDir, 'clip.mp4'), width: 160, height: 90, scenes: [2] })
    ).path;
  });
  afterAll(() => h?.close());

  it('fails a job with OUTPUT_EXISTS over a foreign rendition folder, untouched, until overwrite', async () => {
    const audio = path.join(h.outputDir, 'show-audio');
    await mkdir(audio);
    await writeFile(path.join(audio, 'index.m3u8'), 'foreign playlist');
    await writeFile(path.join(audio, 'seg-00005.m4s'), 'foreign segment');
    const spec = { input: clip, output: path.join(h.outputDir, 'show.m3u8'), ladder: [{ height: 64 }] };
    const refused = await run(h, spec);
    expect(refused.state).toBe('failed');
    expect(refused.error?.code).toBe('OUTPUT_EXISTS');
    expect(refused.error?.message).toContain(`\`${audio}\``);
    expect(refused.error?.message).toContain('overwrite: true');
    expect(refused.tasks.filter((t) => t.state === 'done')).toEqual([]);
    expect(await readFile(path.join(audio, 'index.m3u8'), 'utf8')).toBe('foreign playlist');
    expect(await readFile(path.join(audio, 'seg-00005.m4s'), 'utf8')).toBe('foreign segment');
    const done = await run(h, { ...spec, overwrite: true });
    expect(done.state, JSON.stringify(done.error)).toBe('done');
    expect(await readFile(path.join(audio, 'index.m3u8'), 'utf8')).toMatch(/^#EXTM3U/);
  }, 200_000);

  it('serves only the files the ladder published, not others in its rendition folders', async () => {
    const inbox = path.join(h.outputDir, 'inbox-audio');
    await mkdir(inbox);
    await writeFile(path.join(inbox, 'notes.txt'), 'operator notes');
    const job = await run(h, {
      input: clip,
      output: path.join(h.outputDir, 'inbox.m3u8'),
      ladder: [{ height: 64 }],
      overwrite: true,
    });
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    // Two 1 s segments in each rendition; files put there after the job are not its own either.
    expect((await readdir(inbox)).sort()).toEqual([
      'index.m3u8',
      'init.mp4',
      'notes.txt',
      'seg-00000.m4s',
      'seg-00001.m4s',
    ]);
    for (const d of ['inbox-64p', 'inbox-audio']) {
      await writeFile(path.join(h.outputDir, d, 'seg-00002.m4s'), 'later');
      await writeFile(path.join(h.outputDir, d, 'seg-000001.m4s'), 'alias');
    }
    const get = (rel: string) => fetch(`${h.url}/v1/jobs/${job.id}/ladder/${rel}`);
    for (const rel of [
      'inbox.m3u8',
      'inbox-64p/index.m3u8',
      'inbox-64p/init.mp4',
      'inbox-64p/seg-00001.m4s',
    ].concat(['inbox-audio/index.m3u8', 'inbox-audio/init.mp4', 'inbox-audio/seg-00000.m4s'])) {
      expect((await get(rel)).status, rel).toBe(200);
    }
    for (const rel of [
      'inbox-audio/notes.txt',
      'inbox-64p/seg-00002.m4s',
      'inbox-audio/seg-00002.m4s',
    ].concat(['inbox-64p/seg-000001.m4s', 'inbox-64p/seg-1.m4s'])) {
      const r = await get(rel);
      expect(r.status, rel).toBe(404);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message).toContain('has no ladder file');
    }

    // Without audio, a folder named like its audio rendition is not the job's at all.
    await mkdir(path.join(h.outputDir, 'mute-audio'));
    await writeFile(path.join(h.outputDir, 'mute-audio', 'index.m3u8'), 'foreign playlist');
    const mute = await run(h, {
      input: clip,
      output: path.join(h.outputDir, 'mute.m3u8'),
      ladder: [{ height: 64 }],
      audio: 'none',
    });
    expect(mute.state, JSON.stringify(mute.error)).toBe('done');
    expect((await fetch(`${h.url}/v1/jobs/${mute.id}/ladder/mute-64p/index.m3u8`)).status).toBe(200);
    expect((await fetch(`${h.url}/v1/jobs/${mute.id}/ladder/mute-audio/index.m3u8`)).status).toBe(404);
  }, 200_000);
});
