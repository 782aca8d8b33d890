import { chmod, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/engine/local/manifest.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

/**
 * The `jobs` commands on real jobs (real transcodes of a tiny lavfi clip): a done job is not run
 * again by resume, the data dir is refused as every command refuses it, clean removes both kinds of
 * orphan folders, rm names each job once and says when it removed nothing, ids may skip the type.
 */
describe('jobs list/show/rm/clean/resume', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-jobs-commands-'));
    source = join(dir, 'clip.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10:duration=1', ...FAST_X264, source]);
  });
  afterAll(() => cleanup());

  /** Transcodes the clip to `output` in `data`; the id of its job. */
  const transcode = async (data: string, output: string): Promise<string> => {
    const before = await readdir(join(data, 'jobs')).catch(() => [] as string[]);
    const args = ['transcode', source, '-o', join(dir, output), '--segments', '2', '-y', '-q'];
    const done = await runCli([...args, '--data-dir', data]);
    expect(done.code, done.stderr).toBe(0);
    const [id] = (await readdir(join(data, 'jobs'))).filter((n) => !before.includes(n));
    return id!;
  };
  /**
   * A data dir of done jobs for a test to read or change: a copy of one made once (the manifest
   * names its files relative to the data dir), not a transcode of the same clip again per test.
   */
  const once = <T>(make: () => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const oneJob = once(async () => {
    const data = join(dir, 'one-job-data');
    const ids: [string] = [await transcode(data, 'shared-a.mp4')];
    return { data, ids };
  });
  const twoJobs = once(async () => {
    const data = join(dir, 'two-jobs-data');
    const first = await oneJob();
    await cp(first.data, data, { recursive: true });
    const ids: [string, string] = [...first.ids, await transcode(data, 'shared-b.mp4')];
    return { data, ids };
  });
  const copyOf = async <Ids extends string[]>(made: { data: string; ids: Ids }, data: string) => {
    await cp(made.data, data, { recursive: true });
    return made.ids;
  };
  const manifestFile = (data: string, id: string) => join(data, 'jobs', id, 'manifest.json');
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  it('resume of a done job says so and leaves its record and manifest as they were', async () => {
    const data = join(dir, 'resume-data');
    const id = await transcode(data, 'resume.mp4');
    const bytes = await readFile(manifestFile(data, id));
    const shown = await runCli(['jobs', 'show', id, '--data-dir', data]);

    const resumed = await runCli(['jobs', 'resume', id, '--data-dir', data]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toBe(`job ${id} is already done; nothing to resume\n`);
    expect((await readFile(manifestFile(data, id))).equals(bytes)).toBe(true);
    expect((await runCli(['jobs', 'show', id, '--data-dir', data])).stdout).toBe(shown.stdout);

    const json = await runCli(['jobs', 'resume', id, '--json', '--data-dir', data]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      type: 'result',
      jobId: id,
      state: 'done',
      resumed: false,
    });
    expect((await readFile(manifestFile(data, id))).equals(bytes)).toBe(true);

    // Its output deleted since: not "done", which would hide that there is nothing to show for it.
    await rm(join(dir, 'resume.mp4'));
    const gone = await runCli(['jobs', 'resume', id, '--data-dir', data]);
    expect(gone.code).toBe(2);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toContain(`job ${id} is done, but its output`);
    expect(gone.stderr).toContain(join(dir, 'resume.mp4'));
    expect(gone.stderr.trim()).toMatch(/\[OUTPUT_GONE\]$/);
    expect((await readFile(manifestFile(data, id))).equals(bytes)).toBe(true);
  }, 60_000);

  it('show: took is the last run, not since the first one was created, and says how many runs', async () => {
    const data = join(dir, 'took-data');
    const [id] = await copyOf(await oneJob(), data);
    // As if the first run had been an hour ago: the second's time is its own.
    const manifest = JSON.parse(await readFile(manifestFile(data, id), 'utf8')) as Manifest;
    manifest.job.createdAt = new Date(Date.parse(manifest.job.createdAt) - 3_600_000).toISOString();
    await writeFile(manifestFile(data, id), JSON.stringify(manifest));
    expect(await transcode(data, 'shared-a.mp4')).toBeUndefined();

    const shown = await runCli(['jobs', 'show', id, '--data-dir', data]);
    expect(shown.code, shown.stderr).toBe(0);
    const took = shown.stdout.split('\n').find((l) => l.startsWith('took'));
    expect(took).toMatch(/^took {6}\d+(\.\d)?s \(the last of 2 runs\)$/);
    expect(shown.stdout).toContain('segments  2/2 done, 2 reused');
  }, 60_000);

  it('refuses a data dir that is a file or unusable (exit 2), and finds no jobs in one not made yet', async () => {
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    for (const args of [['list'], ['show', 'x'], ['rm', 'x'], ['clean'], ['resume', 'x']]) {
      const refused = await runCli(['jobs', ...args, '--data-dir', file]);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toBe(
        `framefleet: error: data dir \`${file}\` is a file, not a folder [DATA_DIR_UNUSABLE]\n`,
      );
    }
    // The kernel's files are no data dir, to prune or to look at.
    for (const args of [['clean'], ['list']]) {
      const proc = await runCli(['jobs', ...args, '--data-dir', '/proc/self']);
      expect(proc.code).toBe(2);
      expect(proc.stderr).toContain('[DATA_DIR_UNUSABLE]');
    }
    const missing = join(dir, 'not-made', 'data');
    const list = await runCli(['jobs', 'list', '--data-dir', missing]);
    expect([list.code, list.stdout]).toEqual([0, `no jobs in ${missing}\n`]);
    const clean = await runCli(['jobs', 'clean', '--data-dir', missing]);
    expect([clean.code, clean.stdout]).toEqual([0, 'removed 0 jobs; 0 left\n']);
    expect(await exists(missing)).toBe(false);
  }, 60_000);

  it('lists and shows the jobs of a data dir it cannot write (a read-only mount, another user’s), and refuses to prune it', async () => {
    const data = join(dir, 'read-only-data');
    const [id] = await copyOf(await oneJob(), data);
    // Not writable by the one who looks: as root, look as nobody (root may write anything).
    const root = process.getuid?.() === 0;
    const owner = root ? { uid: 65534, gid: 65534 } : {};
    await chmodTree(dir, 0o755);
    await chmodTree(data, 0o555);
    try {
      const as = (args: string[]) =>
        runCli(['jobs', ...args, '--data-dir', data], { HOME: '/tmp' }, 60_000, owner);
      const list = await as(['list']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain(id);
      const shown = await as(['show', id]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^state +done$/m);
      const clean = await as(['clean']);
      expect(clean.code).toBe(2);
      expect(clean.stderr).toBe(
        `framefleet: error: data dir \`${data}\` is not writable: EACCES [DATA_DIR_UNUSABLE]\n`,
      );
    } finally {
      await chmodTree(data, 0o755);
    }
  }, 60_000);

  it('clean removes scratch/<id> and tmp/job-<id> folders of jobs that are gone, never a kept job’s', async () => {
    const data = join(dir, 'clean-data');
    const [doneId] = await copyOf(await oneJob(), data);
    // A failed job that was planned, kept for a resume: the done job's manifest, failed.
    const kept = 'transcode-0000kept0000';
    const manifest = JSON.parse(await readFile(manifestFile(data, doneId), 'utf8')) as Manifest;
    manifest.job = { ...manifest.job, id: kept, state: 'failed' };
    await mkdir(join(data, 'jobs', kept));
    await writeFile(manifestFile(data, kept), JSON.stringify(manifest));
    // One refused for its media once planned would fail the same way: not offered, not kept.
    const refused = 'transcode-0000refused00';
    const error = { code: 'INPUT_CORRUPT' as const, message: 'frames 10-20 do not decode', fatal: true };
    manifest.job = { ...manifest.job, id: refused, state: 'failed', error };
    await mkdir(join(data, 'jobs', refused));
    await writeFile(manifestFile(data, refused), JSON.stringify(manifest));
    const shown = await runCli(['jobs', 'show', refused, '--data-dir', data]);
    expect(shown.stdout).toMatch(/^state {5}failed$/m);
    expect((await runCli(['jobs', 'show', kept, '--data-dir', data])).stdout).toContain(
      `failed (resume with \`framefleet jobs resume ${kept}\`)`,
    );
    const folders = [
      'scratch/transcode-gone',
      'tmp/job-transcode-gone',
      `scratch/${kept}`,
      `tmp/job-${kept}`,
    ];
    for (const folder of [...folders, 'tmp/other']) await mkdir(join(data, folder, 'a'), { recursive: true });

    const clean = await runCli(['jobs', 'clean', '--data-dir', data]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe(
      'removed 2 jobs and 2 leftover scratch folders; 1 left ' +
        '(1 failed, resumable with `framefleet jobs resume ID`: --failed removes it)\n',
    );
    expect(await exists(join(data, 'scratch/transcode-gone'))).toBe(false);
    expect(await exists(join(data, 'tmp/job-transcode-gone'))).toBe(false);
    expect(await exists(join(data, 'scratch', kept, 'a'))).toBe(true);
    expect(await exists(join(data, 'tmp', `job-${kept}`, 'a'))).toBe(true);
    expect(await exists(join(data, 'tmp/other/a'))).toBe(true);
    expect(await exists(join(data, 'jobs', refused))).toBe(false);

    await mkdir(join(data, 'tmp/job-transcode-gone2'));
    const one = await runCli(['jobs', 'clean', '--data-dir', data]);
    expect(one.stdout).toMatch(/^removed 0 jobs and 1 leftover scratch folder; 1 left /);
  }, 60_000);

  it('clean --help says scratch folders, as the README does', async () => {
    const help = await runCli(['jobs', 'clean', '--help']);
    expect(help.stdout).toContain('leftover scratch folders');
    expect(help.stdout).not.toContain('scratch files');
  });

  it('rm removes each job named once, said once', async () => {
    const data = join(dir, 'rm-once-data');
    const [a] = await copyOf(await oneJob(), data);
    const twice = await runCli(['jobs', 'rm', a, a, a.slice(0, 20), '--data-dir', data]);
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout).toBe(`removed ${a}\n`);
    expect(await readdir(join(data, 'jobs'))).toEqual([]);
  }, 60_000);

  it('rm removes none where one id names no job, and says so', async () => {
    const data = join(dir, 'rm-data');
    const [a, b] = await copyOf(await twoJobs(), data);

    const missing = await runCli(['jobs', 'rm', a, 'transcode-missing', '--data-dir', data]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^framefleet: error: no job `transcode-missing` in .*; nothing was removed \[NOT_FOUND\]\n$/,
    );
    expect((await readdir(join(data, 'jobs'))).sort()).toEqual([a, b].sort());
  }, 60_000);

  it('an id may skip its type (the start of its hash); one that names no job points at jobs list', async () => {
    const data = join(dir, 'id-data');
    const [id] = await copyOf(await oneJob(), data);
    const hash = id.slice('transcode-'.length);
    const shown = await runCli(['jobs', 'show', hash.slice(0, 6), '--data-dir', data]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`job       ${id}\n`);

    const none = await runCli(['jobs', 'show', 'zz', '--data-dir', data]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `framefleet: error: no job \`zz\` in \`${data}\`: ids read \`<type>-<hash>\` (the start of the id ` +
        'or of its hash names one); `framefleet jobs list` shows them (with `--redis URL`, those on a fleet) [NOT_FOUND]\n',
    );
    // An empty id (an unset variable) starts every id: a new user's trial was told it is ambiguous.
    for (const verb of ['show', 'resume', 'rm']) {
      const empty = await runCli(['jobs', verb, '', '--data-dir', data]);
      expect([empty.code, empty.stderr]).toEqual([
        2,
        'framefleet: error: job id `` is empty: `framefleet jobs list` shows the ids [INVALID_ARGUMENT]\n',
      ]);
    }
  }, 60_000);
});

/** The mode of a folder and every folder in it (files: readable by all). */
async function chmodTree(path: string, mode: number): Promise<void> {
  await chmod(path, mode);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const inner = join(path, entry.name);
    if (entry.isDirectory()) await chmodTree(inner, mode);
    else await chmod(inner, 0o444);
  }
}
