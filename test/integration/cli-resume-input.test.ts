import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { CLI, runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir, sampleClip } from '../helpers/media.js';
import { until } from '../helpers/processes.js';

async function onlyJob(dataDir: string): Promise<{ job: JobRecord; text: string } | undefined> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => [] as string[]);
  if (ids.length !== 1) return undefined;
  const text = await readFile(join(dataDir, 'jobs', ids[0]!, 'manifest.json'), 'utf8').catch(() => '');
  return text ? { job: (JSON.parse(text) as { job: JobRecord }).job, text } : undefined;
}

// `jobs resume` on an input that is gone or is another file, and montage refusals: nothing is run
// and nothing is changed (or left behind).
describe('resume checks the input first; a refused montage leaves no job', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it('refuses a changed or missing input with exit 2, keeps the job, and resumes once it is back', async () => {
    const dataDir = join(dir, 'data');
    const input = join(dir, 'in.mp4');
    const original = join(dir, 'original.mp4');
    const output = join(dir, 'out.mp4');
    await sampleClip({ path: input, width: 480, height: 270, fps: 30, scenes: [2, 2, 2, 2] });
    await copyFile(input, original);
    const child = spawn(process.execPath, [
      CLI,
      ...['transcode', input, '-o', output, '--segments', '4', '--workers', '1', '--preset', 'quality'],
      ...['--data-dir', dataDir],
    ]);
    const exited = new Promise<number | null>((done) => child.on('close', done));
    await until('a finished segment', async () => {
      const stored = await onlyJob(dataDir);
      return stored?.job.tasks.some((t) => t.kind === 'transcode.segment' && t.state === 'done')
        ? true
        : undefined;
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const before = (await onlyJob(dataDir))!;
    const id = before.job.id;

    // Another, shorter clip in its place.
    await sampleClip({ path: input, width: 480, height: 270, fps: 30, scenes: [2, 2] });
    const changed = await runCli(['jobs', 'resume', id, '--data-dir', dataDir, '-q']);
    expect(changed.code).toBe(2);
    expect(changed.stderr.trim().split('\n')).toHaveLength(1);
    expect(changed.stderr).toMatch(
      new RegExp(
        `error: input \`${input}\` changed since job ${id} was planned \\(was .*\\[INPUT_CHANGED\\]`,
      ),
    );
    expect((await onlyJob(dataDir))!.text).toBe(before.text);

    await rm(input);
    const missing = await runCli(['jobs', 'resume', id, '--data-dir', dataDir, '-q']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      `framefleet: error: input \`${input}\` is missing; job ${id} stays resumable once it is back [INPUT_NOT_FOUND]`,
    );
    expect((await onlyJob(dataDir))!.text).toBe(before.text);

    // The same file put back (a copy: a new mtime) resumes, reusing what was verified.
    await copyFile(original, input);
    const resumed = await runCli(['jobs', 'resume', id, '--data-dir', dataDir, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = (await onlyJob(dataDir))!.job;
    expect(after.state).toBe('done');
    expect(after.tasks.filter((t) => t.kind === 'transcode.segment' && t.reused).length).toBeGreaterThan(0);
  }, 180_000);

  it('a montage refused for music with no beats exits 2 with NO_BEATS and leaves no job', async () => {
    const dataDir = join(dir, 'montage-data');
    const clips = join(dir, 'clips');
    await mkdir(clips);
    await sampleClip({ path: join(clips, 'a.mp4'), width: 160, height: 90, fps: 25, scenes: [2, 2] });
    await sampleClip({ path: join(clips, 'b.mp4'), width: 160, height: 90, fps: 25, scenes: [2, 2] });
    const music = join(dir, 'silence.m4a');
    await ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '8', '-c:a', 'aac', music]);
    const result = await runCli([
      ...['montage', '--clips', clips, '--music', music, '-o', join(dir, 'm.mp4'), '--duration', '5'],
      ...['--data-dir', dataDir, '-q'],
    ]);
    expect(result.code).toBe(2);
    // Said as `analyze beats` says it (found by a new user's trial: "no steady rhythm found").
    expect(result.stderr).toContain(
      `music \`${music}\` has no beats to cut on (it is silent: below -85 dBFS throughout)`,
    );
    expect(result.stderr).toContain('[NO_BEATS]');
    const listed = await runCli(['jobs', 'list', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    expect(await readdir(join(dataDir, 'jobs'))).toEqual([]);
    // Nor its scratch folder (a new user's trial found an empty one left until `jobs clean`).
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  }, 120_000);
});
