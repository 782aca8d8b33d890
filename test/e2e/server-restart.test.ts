import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/engine/local/manifest.js';
import type { JobRecord } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import { CLI } from '../helpers/cli.js';
import { sampleClip } from '../helpers/media.js';

interface Running {
  child: ChildProcess;
  url: string;
}

/** Starts `framefleet server` as a real child process and waits for its "listening on" line. */
function startChild(dir: string): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'server',
      '--port',
      '0',
      '--data',
      path.join(dir, 'data'),
      '--input-root',
      path.join(dir, 'in'),
      '--output-root',
      path.join(dir, 'out'),
      '--workers',
      '1',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FRAMEFLEET_API_TOKEN: '' } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${out}`)));
  });
}

async function getJob(url: string, id: string): Promise<JobRecord> {
  return (await (await fetch(`${url}/v1/jobs/${id}`)).json()) as JobRecord;
}

describe('server restart (kill -9 mid-job)', () => {
  let dir = '';
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('resumes the job after a restart without redoing finished segments', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-restart-'));
    await Promise.all([mkdir(path.join(dir, 'in')), mkdir(path.join(dir, 'out'))]);
    const clip = await sampleClip({
      path: path.join(dir, 'in', 'clip.mp4'),
      width: 320,
      height: 180,
      fps: 25,
      scenes: [2, 1],
    });
    const output = path.join(dir, 'out', 'restart.mp4');

    const first = await startChild(dir);
    children.push(first.child);
    const submit = await fetch(`${first.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'transcode',
        spec: { input: clip.path, output, segments: 6, preset: 'balanced' },
      }),
    });
    const { id } = (await submit.json()) as JobRecord;

    // Kill as soon as some segments are done and others are not.
    let job = await getJob(first.url, id);
    const segmentsDone = (j: JobRecord) =>
      j.tasks.filter((t) => t.kind === 'transcode.segment' && t.state === 'done');
    for (let i = 0; i < 600 && segmentsDone(job).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = await getJob(first.url, id);
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(job.state).toBe('running');
    const segmentCount = job.tasks.filter((t) => t.kind === 'transcode.segment').length;
    expect(segmentsDone(job).length).toBeLessThan(segmentCount);

    // What survived the kill is what the manifest on disk says was done.
    const persisted = (await readManifest(path.join(dir, 'data'), id))!.job;
    const doneBefore = segmentsDone(persisted).map((t) => t.id);
    expect(doneBefore.length).toBeGreaterThanOrEqual(1);

    const second = await startChild(dir);
    children.push(second.child);
    for (let i = 0; i < 1200 && !['done', 'failed'].includes(job.state); i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = await getJob(second.url, id);
    }
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    for (const taskId of doneBefore) {
      const task = job.tasks.find((t) => t.id === taskId)!;
      expect(task.reused, taskId).toBe(true);
    }
    expect((await probe(output)).video?.frameCount).toBe(clip.frames);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });
});
