import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, cp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/engine/local/manifest.js';
import { CLI, runCli, type CliResult } from '../helpers/cli.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

/**
 * Failed jobs in the data dir, made for real: a configured processor that fails on the second
 * segment as many times as a counter file says (the first segment is encoded and verified). `jobs
 * show` offers to resume such a job, so `jobs clean` keeps it (and its segments) unless --failed;
 * and one failed under another build of framefleet runs its failed task again with fresh retries.
 */
describe('failed jobs: jobs clean keeps them, another build retries them', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  let config: string;
  let counter: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-jobs-failed-'));
    source = join(dir, 'clip.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10:duration=2', ...FAST_X264, source]);
    counter = join(dir, 'failures-left');
    config = join(dir, 'framefleet.yaml');
    const flaky =
      `case "$1" in *segment-001-*) n=$(cat ${counter}); if [ "$n" -gt 0 ]; then ` +
      `echo $((n-1)) > ${counter}; echo "flaky: failing on purpose" >&2; exit 3; fi;; esac; ` +
      `exec "$0" -nostdin -v error -i "$1" -c:v ffv1 -y "$2"`;
    await writeFile(
      config,
      `processors:\n  flaky:\n    command: [sh, -c, '${flaky}', '{ffmpeg}', '{input}', '{output}']\n`,
    );
  });
  afterAll(() => cleanup());

  const transcode = (cli: string, data: string, output: string, failures: number) => async () => {
    await writeFile(counter, `${failures}\n`);
    const args = ['transcode', source, '-o', join(dir, output), '--segments', '2', '--process', 'flaky'];
    return run(cli, [...args, '--data-dir', data, '-y'], { FRAMEFLEET_CONFIG: config });
  };
  const manifest = async (data: string, id: string) =>
    JSON.parse(await readFile(join(data, 'jobs', id, 'manifest.json'), 'utf8')) as Manifest;
  const onlyJob = async (data: string, except: string[] = []) =>
    (await readdir(join(data, 'jobs'))).filter((id) => !except.includes(id));
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  it('jobs clean removes done jobs, keeps failed ones with their segments unless --failed; rm removes segments', async () => {
    const data = join(dir, 'clean-data');
    const failed = await transcode(CLI, data, 'a.mp4', 3)();
    expect(failed.code, failed.stderr).toBe(1);
    const [failedId] = await onlyJob(data);
    const done = await transcode(CLI, data, 'b.mp4', 0)();
    expect(done.code, done.stderr).toBe(0);
    const [doneId] = await onlyJob(data, [failedId!]);
    const other = await transcode(CLI, data, 'c.mp4', 3)();
    expect(other.code).toBe(1);
    const [otherId] = await onlyJob(data, [failedId!, doneId!]);
    const stored = await manifest(data, failedId!);
    expect(stored.job.state).toBe('failed');
    expect(stored.job.tasks.find((t) => t.id === 'segment-000')!.state).toBe('done');
    expect(await exists(join(data, 'scratch', failedId!))).toBe(true);

    const shown = await runCli(['jobs', 'show', failedId!, '--data-dir', data]);
    expect(shown.stdout).toContain(`failed (resume with \`framefleet jobs resume ${failedId}\`)`);

    const clean = await runCli(['jobs', 'clean', '--data-dir', data]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe(
      'removed 1 job; 2 left (2 failed, resumable with `framefleet jobs resume ID`: --failed removes them)\n',
    );
    expect((await onlyJob(data)).sort()).toEqual([failedId, otherId].sort());
    // What a resume reuses is still there.
    expect(await exists(join(data, 'scratch', failedId!))).toBe(true);
    expect(await exists(join(data, 'scratch', otherId!))).toBe(true);

    const rm = await runCli(['jobs', 'rm', otherId!, '--data-dir', data]);
    expect(rm.stdout).toBe(`removed ${otherId}\n`);
    expect(await exists(join(data, 'scratch', otherId!))).toBe(false);

    const again = await runCli(['jobs', 'clean', '--json', '--data-dir', data]);
    expect(JSON.parse(again.stdout)).toEqual({
      removed: [],
      scratch: 0,
      left: 1,
      kept: { failed: [failedId], interrupted: [], running: [] },
    });
    const all = await runCli(['jobs', 'clean', '--failed', '--json', '--data-dir', data]);
    expect(JSON.parse(all.stdout)).toMatchObject({ removed: [failedId], left: 0 });
    expect(await onlyJob(data)).toEqual([]);
    expect(await readdir(join(data, 'scratch'))).toEqual([]);
  }, 120_000);

  it('a job failed under another build runs its failed task again, with fresh retries, reusing what verifies', async () => {
    // The older build: this build's files, its entry file changed (as any code change changes it).
    const old = join(dir, 'old');
    await cp(resolve('dist'), join(old, 'dist'), { recursive: true });
    await symlink(resolve('node_modules'), join(old, 'node_modules'));
    const oldCli = join(old, 'dist', 'cli', 'index.js');
    await appendFile(oldCli, '// an older build\n');
    const fingerprint = async (file: string) =>
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex')
        .slice(0, 12);
    const data = join(dir, 'upgrade-data');

    // Three failures: every attempt the old build gives the task.
    const first = await transcode(oldCli, data, 'up.mp4', 4)();
    expect(first.code, first.stderr).toBe(1);
    const [id] = await onlyJob(data);
    const before = await manifest(data, id!);
    expect(before.build).toBe(await fingerprint(oldCli));
    expect(before.job.tasks.find((t) => t.id === 'segment-001')).toMatchObject({
      state: 'failed',
      attempts: 3,
    });

    // One more failure, then success: only a fresh set of retries gets past it.
    const second = await transcode(CLI, data, 'up.mp4', 1)();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(
      `framefleet: warning: job ${id} failed under another build of framefleet ` +
        `(${await fingerprint(oldCli)}; this is ${await fingerprint(CLI)}): its failed task runs again ` +
        'with fresh retries, reusing the outputs that re-verify\n',
    );
    const after = await manifest(data, id!);
    expect(after.build).toBe(await fingerprint(CLI));
    expect(after.job.state).toBe('done');
    const tasks = new Map(after.job.tasks.map((t) => [t.id, t]));
    expect(tasks.get('segment-000')!.reused).toBe(true);
    expect(tasks.get('segment-001')).toMatchObject({ reused: false, attempts: 2 });
    expect(after.job.failures.map((f) => f.attempt)).toEqual([1, 2, 3, 1]);

    // A done job is reused as it was, by any build, with nothing to say.
    const third = await transcode(oldCli, data, 'up.mp4', 0)();
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('nothing re-encoded');
    expect(third.stderr).not.toContain('another build');
  }, 120_000);
});

function run(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
