import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

// A server whose data dir (job state, intermediates, uploads) lay inside its input and output roots
// let a job write over another job's intermediates, read its files as inputs, and had the output
// route serve whatever a folder swapped for a link into the data dir held. Every path is now
// refused there (403 PATH_FORBIDDEN) on its real path, at submit and when the file is opened; the
// uploads folder stays an input root.
describe('a server whose data dir lies inside its roots', () => {
  let base: string;
  let h: Harness;
  let clip: string;
  const logLines: string[] = [];

  const submit = async (spec: Record<string, unknown>, type = 'transcode') => {
    const response = await fetch(`${h.url}/v1/jobs`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ type, spec }),
    });
    const body = (await response.json()) as JobRecord & { error?: { code: string; message: string } };
    return { status: response.status, body };
  };

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'ff-data-in-roots-'));
    // The data dir is base/data: inside both roots.
    h = await startServer({ dir: base, inputRoots: [base], outputRoots: [base], logLines });
    clip = (
      await sampleClip({
        path: path.join(h.inputDir, 'clip.mp4'),
        width: 160,
        height: 90,
        fps: 10,
        scenes: [1],
      })
    ).path;
    await writeFile(path.join(h.dataDir, 'state.json'), '{"secret":true}');
  });
  afterAll(async () => {
    await h.close();
    await rm(base, { recursive: true, force: true });
  });

  it('says so at start', () => {
    const warned = logLines.filter((l) => l.includes('job files there are refused'));
    expect(warned.join('\n')).toContain('lies in the output root');
    expect(warned.join('\n')).toContain('lies in the input root');
  });

  it.each([
    ['an output in the data dir', () => ({ input: clip, output: path.join(h.dataDir, 'o.mp4') })],
    [
      'an output over a job folder in the data dir',
      () => ({ input: clip, output: path.join(h.dataDir, 'jobs', 'o.mp4') }),
    ],
    ['an input from the data dir', () => ({ input: path.join(h.dataDir, 'state.json'), output: outFile() })],
  ])('refuses %s (403 PATH_FORBIDDEN)', async (_what, spec) => {
    const r = await submit(spec());
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.error?.code).toBe('PATH_FORBIDDEN');
    expect(r.body.error?.message).toContain("lies in framefleet's own folder");
  });

  it('decides on the real path: links in the roots that lead into the data dir are refused', async () => {
    await symlink(h.dataDir, path.join(h.outputDir, 'data-link'));
    await symlink(path.join(h.dataDir, 'state.json'), path.join(h.inputDir, 'state-link.json'));
    const out = await submit({ input: clip, output: path.join(h.outputDir, 'data-link', 'o.mp4') });
    expect(out.status).toBe(403);
    expect(out.body.error?.message).toContain("lies in framefleet's own folder");
    const input = await submit({ input: path.join(h.inputDir, 'state-link.json'), output: outFile() });
    expect(input.status).toBe(403);
    expect(input.body.error?.message).toMatch(/resolves to .*state\.json`, in framefleet's own folder/);
  });

  it('still takes an upload (inside the data dir) as an input', async () => {
    const body = await readFile(clip);
    const response = await fetch(`${h.url}/v1/uploads?name=up.mp4`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    const stored = (await response.json()) as { path: string };
    expect(stored.path.startsWith(path.join(h.dataDir, 'uploads'))).toBe(true);
    const r = await submit({ input: stored.path, output: outFile() });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect((await h.runtime.backend.wait(r.body.id)).state).toBe('done');
  });

  it('refuses, when the output is fetched, a folder swapped for a link into the data dir', async () => {
    await mkdir(path.join(h.outputDir, 'sub'));
    const r = await submit({ input: clip, output: path.join(h.outputDir, 'sub', 'o.mp4') });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect((await h.runtime.backend.wait(r.body.id)).state).toBe('done');
    // After the job: its folder becomes a link to a folder of the data dir holding a file of that name.
    await rename(path.join(h.outputDir, 'sub'), path.join(h.outputDir, 'sub-old'));
    await mkdir(path.join(h.dataDir, 'sub'));
    await writeFile(path.join(h.dataDir, 'sub', 'o.mp4'), 'intermediate');
    await symlink(path.join(h.dataDir, 'sub'), path.join(h.outputDir, 'sub'));
    const response = await fetch(`${h.url}/v1/jobs/${r.body.id}/output`);
    const error = ((await response.json()) as { error: { code: string; message: string } }).error;
    expect(response.status).toBe(403);
    expect(error.code).toBe('PATH_FORBIDDEN');
  });

  it('refuses to start with a root inside its data dir', async () => {
    await mkdir(path.join(h.dataDir, 'inner'), { recursive: true });
    const started = startServer({
      dir: base,
      inputRoots: [h.inputDir],
      outputRoots: [path.join(h.dataDir, 'inner')],
    });
    await expect(started).rejects.toThrow(/output root .*inner` lies in framefleet's own folder `.*data`/);
  });
  let n = 0;
  const outFile = () => path.join(h.outputDir, `out-${++n}.mp4`);
});
