import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { sampleClipArgs } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
import { CLI, runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';
import { alive, childrenNamed, until } from '../helpers/processes.js';

async function manifests(dataDir: string): Promise<JobRecord[]> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => [] as string[]);
  const jobs = await Promise.all(
    ids.map((id) =>
      readFile(join(dataDir, 'jobs', id, 'manifest.json'), 'utf8')
        .then((text) => (JSON.parse(text) as { job: JobRecord }).job)
        .catch(() => undefined),
    ),
  );
  return jobs.filter((j): j is JobRecord => j !== undefined);
}

const doneSegments = (job: JobRecord | undefined) =>
  job?.tasks.filter((t) => t.kind === 'transcode.segment' && t.state === 'done').length ?? 0;

function collect(child: ChildProcess): Promise<{ code: number | null; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr, stdout })));
}

// Ctrl-C (SIGINT) and SIGTERM on real CLI processes, and the jobs they leave behind.
describe('interrupting commands, and jobs in the data dir', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let long: string;
  let short: string;
  let dataDir: string;
  let interruptedId: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    dataDir = join(dir, 'data');
    long = join(dir, 'long.mp4');
    short = join(dir, 'short.mp4');
    // Through the run's fixture cache: other files make these very clips too.
    await ffmpeg(sampleClipArgs({ path: long, width: 480, height: 270, fps: 30, scenes: [2, 2, 2, 2] }).args);
    await ffmpeg(sampleClipArgs({ path: short, width: 160, height: 90, fps: 25, scenes: [1, 1] }).args);
  });
  afterAll(() => cleanup());

  it('Ctrl-C stops a transcode cleanly: ffmpeg stopped, exit 130, a resume hint, the job resumable', async () => {
    const output = join(dir, 'long-out.mp4');
    const child = spawn(process.execPath, [
      CLI,
      ...['transcode', long, '-o', output, '--segments', '8', '--workers', '2', '--preset', 'quality'],
      ...['--data-dir', dataDir],
    ]);
    const result = collect(child);
    await until('a finished segment', async () =>
      doneSegments((await manifests(dataDir))[0]) >= 1 ? true : undefined,
    );
    const encoders = await until('a running encode', async () => {
      const pids = await childrenNamed(child.pid!, 'ffmpeg', long);
      return pids.length ? pids : undefined;
    });
    child.kill('SIGINT');
    const { code, stderr } = await result;

    expect(code).toBe(130);
    const [job] = await manifests(dataDir);
    interruptedId = job!.id;
    expect(stderr).toContain(
      `interrupted; verified segments are kept; resume with \`framefleet jobs resume ${job!.id}\``,
    );
    expect(stderr).not.toMatch(/INTERNAL|ended running/);
    for (const pid of encoders) expect(await alive(pid)).toBe(false);
    // Resumable: not failed or cancelled, finished segments kept, nothing at OUT (nor a temp name).
    expect(['running', 'queued']).toContain(job!.state);
    expect(job!.tasks.some((t) => t.state === 'pending')).toBe(true);
    expect(doneSegments(job)).toBeGreaterThanOrEqual(1);
    expect((await readdir(dir)).filter((n) => n.includes('long-out'))).toEqual([]);
  });

  it('a later command runs only its own job; the interrupted one waits untouched', async () => {
    const before = (await manifests(dataDir)).find((j) => j.id === interruptedId)!;
    const run = await runCli(['transcode', short, '-o', join(dir, 'short-out.mp4'), '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    const after = (await manifests(dataDir)).find((j) => j.id === interruptedId)!;
    expect(after).toEqual(before);
    await expect(stat(join(dir, 'long-out.mp4'))).rejects.toThrow();
  });

  it('jobs list and show tell an interrupted job from a done one', async () => {
    const list = await runCli(['jobs', 'list', '--json', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { id: string; shownState: string }[];
    expect(rows.map((r) => r.shownState).sort()).toEqual(['done', 'interrupted']);
    expect(rows.find((r) => r.shownState === 'interrupted')!.id).toBe(interruptedId);

    const show = await runCli(['jobs', 'show', interruptedId.slice(0, 14), '--data-dir', dataDir]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(
      `state     interrupted (resume with \`framefleet jobs resume ${interruptedId}\`)`,
    );
    expect(show.stdout).toContain(`output    ${join(dir, 'long-out.mp4')}`);
    const missing = await runCli(['jobs', 'show', 'nope', '--data-dir', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no job `nope`.*\[NOT_FOUND\]/);
  });

  it('jobs resume finishes the job, reusing the segments verified before the interrupt', async () => {
    const before = doneSegments((await manifests(dataDir)).find((j) => j.id === interruptedId));
    const resumed = await runCli(
      ['jobs', 'resume', interruptedId, '--json', '--data-dir', dataDir],
      {},
      180_000,
    );
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout.trim().split('\n').pop()!) as {
      type: string;
      reusedSegments: number;
      frames: number;
    };
    expect(result.type).toBe('result');
    expect(result.reusedSegments).toBe(before);
    expect(result.frames).toBe((await probe(long)).video!.frameCount);
    expect((await probe(join(dir, 'long-out.mp4'))).video!.frameCount).toBe(result.frames);
  });

  it('jobs rm removes one job, jobs clean the finished rest', async () => {
    const rm = await runCli(['jobs', 'rm', interruptedId, '--data-dir', dataDir]);
    expect(rm.code).toBe(0);
    expect((await manifests(dataDir)).map((j) => j.id)).not.toContain(interruptedId);
    const clean = await runCli(['jobs', 'clean', '--data-dir', dataDir]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^removed 1 job; 0 left/);
    expect(await readdir(join(dataDir, 'jobs'))).toEqual([]);
  });

  it('SIGTERM stops an analysis: its ffmpeg stopped, exit 130, nothing written', async () => {
    const output = join(dir, 'scenes.json');
    const child = spawn(process.execPath, [CLI, 'analyze', 'scenes', long, '--shards', '2', '-o', output]);
    const result = collect(child);
    const decoders = await until('a running decode', async () => {
      const pids = await childrenNamed(child.pid!, 'ffmpeg', long);
      return pids.length ? pids : undefined;
    });
    child.kill('SIGTERM');
    const { code, stderr } = await result;
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted; nothing was written/);
    for (const pid of decoders) expect(await alive(pid)).toBe(false);
    expect((await readdir(dir)).filter((n) => n.includes('scenes'))).toEqual([]);
  });
});
