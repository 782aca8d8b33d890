import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { startServer, type Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

const DAY_MS = 86_400_000;

/** Every entry under a folder, recursively, with sizes: proof that nothing was written there. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries.map(async (e) => {
      const full = path.join(e.parentPath, e.name);
      return `${path.relative(dir, full)}:${e.isFile() ? (await stat(full)).size : e.isSymbolicLink() ? 'link' : 'dir'}`;
    }),
  ).then((list) => list.sort());
}

/**
 * Marks a file so a later read shows: its access time goes two days back, before its modification
 * time, which makes the kernel (relatime, the default) update it on the next read.
 */
async function markUnread(file: string): Promise<number> {
  const { mtime } = await stat(file);
  const atime = new Date(mtime.getTime() - 2 * DAY_MS);
  await utimes(file, atime, mtime);
  return atime.getTime();
}
const wasRead = async (file: string, mark: number) => (await stat(file)).atimeMs > mark + 1000;

async function post(h: Harness, spec: Record<string, unknown>, priority = 0): Promise<JobRecord> {
  const response = await fetch(`${h.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'transcode', spec: { segments: 2, preset: 'fast', ...spec }, priority }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as JobRecord;
}

/** Waits until the job is planned and its tasks wait for a slot. */
async function planned(h: Harness, id: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const job = await h.runtime.backend.get(id);
    if (job?.state === 'running' && job.tasks.length > 0) return;
    if (job?.state === 'failed') throw new Error(`job ${id} failed: ${job.error?.message}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} was not planned`);
}

/** Replaces a folder by a symlink to `target`: what an attacker with write access inside a root does. */
async function swapForSymlink(folder: string, target: string): Promise<void> {
  await rename(folder, `${folder}.moved`);
  await symlink(target, folder);
}

describe('adversarial tier: confinement holds when the job runs, not only at submit', () => {
  let dir = '';
  let outside = '';
  let outsideOut = '';
  let secret = '';
  let secretMark = 0;
  let before: string[] = [];
  let atimeWorks = false;
  const clip = (file: string, seconds = 1) =>
    sampleClip({ path: file, width: 160, height: 90, fps: 25, scenes: [seconds] });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ff-adversarial-'));
    outside = path.join(dir, 'outside');
    outsideOut = path.join(dir, 'outside-out');
    await Promise.all([outside, outsideOut].map((d) => mkdir(d)));
    // A valid video outside the roots: a job that read it would succeed, not fail.
    secret = path.join(outside, 'clip.mp4');
    await clip(secret);
    await writeFile(path.join(outsideOut, 'keep.txt'), 'untouched');
    // Does this filesystem record reads? (noatime would make the read check vacuous.)
    const control = path.join(dir, 'control.txt');
    await writeFile(control, 'x');
    const mark = await markUnread(control);
    await readFile(control);
    atimeWorks = await wasRead(control, mark);
    secretMark = await markUnread(secret);
    before = [...(await tree(outside)), ...(await tree(outsideOut))];
  });

  afterAll(async () => {
    // Nothing outside the roots was written, replaced or (where the filesystem tells) read.
    expect([...(await tree(outside)), ...(await tree(outsideOut))]).toEqual(before);
    if (atimeWorks) expect(await wasRead(secret, secretMark)).toBe(false);
    else console.warn('access times are not recorded here; the no-read check was skipped');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fails queued jobs whose input or output folder became a symlink with PATH_FORBIDDEN', async () => {
    const h = await startServer({ dir: path.join(dir, 'queued'), workers: 1 });
    try {
      await Promise.all(['in/a', 'out/b'].map((d) => mkdir(path.join(h.dir, d))));
      await Promise.all([
        clip(path.join(h.inputDir, 'blocker.mp4'), 6),
        clip(path.join(h.inputDir, 'a', 'clip.mp4')),
        clip(path.join(h.inputDir, 'ok.mp4')),
      ]);
      // A long job first, on the one slot: the victims wait, planned, while their folders are swapped.
      const blocker = await post(
        h,
        {
          input: path.join(h.inputDir, 'blocker.mp4'),
          output: path.join(h.outputDir, 'blocker.mp4'),
          segments: 6,
          preset: 'quality',
        },
        100,
      );
      await planned(h, blocker.id);
      const reads = await post(h, {
        input: path.join(h.inputDir, 'a', 'clip.mp4'),
        output: path.join(h.outputDir, 'a.mp4'),
      });
      const writes = await post(h, {
        input: path.join(h.inputDir, 'ok.mp4'),
        output: path.join(h.outputDir, 'b', 'b.mp4'),
      });
      await Promise.all([planned(h, reads.id), planned(h, writes.id)]);
      // No video task has touched the folders yet (a slotless audio pass may already have run, from
      // the folder as it was: nothing after the swap reads or writes through it).
      const untouched = async (id: string) =>
        (await h.runtime.backend.get(id))!.tasks
          .filter((t) => t.kind !== 'transcode.audio')
          .every((t) => t.state === 'pending');
      expect(await untouched(reads.id)).toBe(true);
      expect(await untouched(writes.id)).toBe(true);

      await swapForSymlink(path.join(h.inputDir, 'a'), outside);
      await swapForSymlink(path.join(h.outputDir, 'b'), outsideOut);
      await h.runtime.backend.cancel(blocker.id);

      for (const [id, what] of [
        [reads.id, 'input'],
        [writes.id, 'output'],
      ] as const) {
        const job = await h.runtime.backend.wait(id);
        expect(job.state, id).toBe('failed');
        expect(job.error?.code).toBe('PATH_FORBIDDEN');
        expect(job.error?.message).toContain(`outside the allowed ${what} roots (checked when the job ran)`);
      }
      // The output job (one segment: one task reads the input and writes the output) refused to
      // write through the swapped folder.
      const writer = (await h.runtime.backend.get(writes.id))!;
      expect(writer.tasks.find((t) => t.kind === 'transcode.whole')?.state).toBe('failed');
      expect(await tree(h.outputDir)).toEqual(['b.moved:dir', 'b:link']);
    } finally {
      await h.close();
    }
  });

  it('holds jobs resumed after a restart to swapped folders and to the roots of the new run', async () => {
    const base = path.join(dir, 'restart');
    const [inOld, outOld] = [path.join(base, 'in-old'), path.join(base, 'out-old')];
    await Promise.all(
      [inOld, outOld, path.join(base, 'in', 'c'), path.join(base, 'out', 'd')].map((d) =>
        mkdir(d, { recursive: true }),
      ),
    );
    await Promise.all([
      clip(path.join(base, 'in', 'c', 'clip.mp4')),
      clip(path.join(base, 'in', 'ok.mp4')),
      clip(path.join(inOld, 'old.mp4')),
    ]);
    const roots = {
      inputRoots: [path.join(base, 'in'), inOld],
      outputRoots: [path.join(base, 'out'), outOld],
    };

    // First run: no slots, so the jobs are planned and stay queued; then the server stops.
    const first = await startServer({ dir: base, workers: 0, ...roots });
    const out = first.outputDir;
    const jobs = {
      swappedInput: await post(first, {
        input: path.join(first.inputDir, 'c', 'clip.mp4'),
        output: path.join(out, 'c.mp4'),
      }),
      swappedOutput: await post(first, {
        input: path.join(first.inputDir, 'ok.mp4'),
        output: path.join(out, 'd', 'd.mp4'),
      }),
      inputRootGone: await post(first, {
        input: path.join(inOld, 'old.mp4'),
        output: path.join(out, 'e.mp4'),
      }),
      outputRootGone: await post(first, {
        input: path.join(first.inputDir, 'ok.mp4'),
        output: path.join(outOld, 'f.mp4'),
      }),
    };
    await Promise.all(Object.values(jobs).map((j) => planned(first, j.id)));
    await first.close();

    await swapForSymlink(path.join(base, 'in', 'c'), outside);
    await swapForSymlink(path.join(base, 'out', 'd'), outsideOut);
    // Second run: the same data, fewer roots, and slots: the jobs resume and meet today's roots.
    const second = await startServer({ dir: base, workers: 2 });
    try {
      for (const [name, { id }] of Object.entries(jobs)) {
        const job = await second.runtime.backend.wait(id);
        expect(job.state, name).toBe('failed');
        expect(job.error?.code, `${name}: ${job.error?.message}`).toBe('PATH_FORBIDDEN');
      }
      expect(await tree(outOld)).toEqual([]);
      expect(await tree(second.outputDir)).toEqual(['d.moved:dir', 'd:link']);
    } finally {
      await second.close();
    }
  });
});
