import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createReadStream, openSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spoolStdin, STDIN_DIR_PREFIX } from '../../src/cli/stdin-input.js';
import { runFfmpeg } from '../../src/media/run.js';
import { CLI, type CliResult } from '../helpers/cli.js';
import { makeDrumWav, makeWorkDir } from './analysis-media.js';

// Found by a new-user trial: `cat song.mp3 | framefleet analyze beats -` said input `-` does not
// exist. `-` is standard input for `analyze beats` and `analyze scenes`: copied to a private
// temporary file (removed whatever happens), analysed as the named file is, and named `-`.
let work: Awaited<ReturnType<typeof makeWorkDir>>;
/** The CLI's os.tmpdir() (TMPDIR): only its own temporary folders are ever in it. */
let tmp: string;
let song: string;
let songWav: string;
let clip: string;
let text: string;

/** Runs the built CLI with `stdin` (a file's bytes, or nothing) as its standard input. */
function runPiped(
  args: string[],
  stdin: string | undefined,
  during?: (child: ReturnType<typeof spawn>) => void,
): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TMPDIR: tmp } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    if (during) during(child);
    else if (stdin === undefined) child.stdin.end();
    else createReadStream(stdin).pipe(child.stdin);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`framefleet ${args.join(' ')} did not finish\n${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

async function leftovers(): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith(STDIN_DIR_PREFIX));
}

beforeAll(async () => {
  work = await makeWorkDir();
  tmp = join(work.dir, 'tmp');
  await mkdir(tmp);
  songWav = (await makeDrumWav(work.dir, 120)).path;
  // AAC in MP4 with its index at the end: read by seeking, which a pipe cannot do.
  song = join(work.dir, 'song.m4a');
  await runFfmpeg(['-y', '-i', songWav, '-ac', '2', '-c:a', 'aac', song]);
  text = join(work.dir, 'notes.txt');
  await writeFile(text, 'not a song\n'.repeat(100));
  clip = join(work.dir, 'clip.mp4');
  await runFfmpeg([
    ...['-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25', '-f', 'lavfi', '-i', 'mandelbrot=s=160x90:r=25'],
    '-filter_complex',
    '[0]trim=duration=2[a];[1]trim=duration=2,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1',
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip],
  ]);
});
afterAll(() => work.cleanup());
afterEach(async () => {
  expect(await leftovers()).toEqual([]);
});

describe('input `-` is standard input', () => {
  it.each(['m4a', 'wav'])('analyze beats -: the beats of the same file by path (%s)', async (ext) => {
    const file = ext === 'wav' ? songWav : song;
    const byPath = await runPiped(['analyze', 'beats', file, '--json'], undefined);
    const piped = await runPiped(['analyze', 'beats', '-', '--json'], file);
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    const [named, stdin] = [JSON.parse(byPath.stdout), JSON.parse(piped.stdout)];
    expect(named.tempo).toBeCloseTo(120, -1);
    expect(stdin.source).toEqual({ path: '-' });
    expect({ ...stdin, source: undefined }).toEqual({ ...named, source: undefined });
    const summary = await runPiped(['analyze', 'beats', '-'], file);
    expect(summary.stdout).toMatch(/^-: 120\.0 BPM, \d+ beats in 12\.0 s\n/);
  });

  it('analyze scenes -: the cuts of the same file by path, also beside named files and in -o', async () => {
    const byPath = JSON.parse((await runPiped(['analyze', 'scenes', clip, '--json'], undefined)).stdout);
    expect(byPath.cuts.map((c: { time: number }) => c.time)).toEqual([2]);
    const piped = await runPiped(['analyze', 'scenes', '-', '--json'], clip);
    expect(piped.code).toBe(0);
    const stdin = JSON.parse(piped.stdout);
    expect(stdin.source.path).toBe('-');
    expect(stdin.cuts).toEqual(byPath.cuts);
    expect(stdin.shots).toEqual(byPath.shots);
    const out = join(work.dir, 'scenes.json');
    const both = await runPiped(['analyze', 'scenes', clip, '-', '--shards', '2', '-o', out], clip);
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(/^-: 2 shots, 1 cut/m);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written.results.map((r: { source: { path: string } }) => r.source.path)).toEqual([clip, '-']);
    expect(written.results[1].cuts).toEqual(byPath.cuts);
  });

  it('-o - writes the JSON result to standard output, not to a file named -', () => {
    // Found by a new-user trial: `analyze beats song.wav -o -` wrote a file named "-".
    const result = spawnSync(process.execPath, [CLI, 'analyze', 'beats', songWav, '-o', '-'], {
      cwd: work.dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).tempo).toBeCloseTo(120, -1);
    expect(spawnSync('test', ['-e', join(work.dir, '-')]).status).toBe(1);
  });

  it('refuses an empty standard input as an empty file, in one line', async () => {
    for (const command of ['beats', 'scenes']) {
      const result = await runPiped(['analyze', command, '-'], undefined);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'framefleet: error: input `-` (standard input) is empty (0 bytes) [INPUT_NOT_MEDIA]\n',
      );
    }
  });

  it('names `-`, not the temporary file, when what was piped is not media', async () => {
    const result = await runPiped(['analyze', 'beats', '-'], text);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^framefleet: error: input `-` is not a media file/);
    expect(result.stderr).not.toContain(STDIN_DIR_PREFIX);
  });

  it.each([
    [['analyze', 'scenes', '-', '-'], /input `-` \(standard input\) is given 2 times; it can be read once/],
    [['analyze', 'scenes', '--aggregate', '-'], /`analyze scenes --aggregate` does not read standard input/],
    [['analyze', 'proxy', '-', '-o', 'p.mp4'], /`analyze proxy` does not read standard input/],
  ])('refuses %j with exit 2 INVALID_ARGUMENT, reading nothing', async (args, message) => {
    const result = await runPiped(args, clip);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/ \[INVALID_ARGUMENT\]\n$/);
  });

  it('refuses a directory as standard input', () => {
    const fd = openSync(work.dir, 'r');
    try {
      const result = spawnSync(process.execPath, [CLI, 'analyze', 'beats', '-'], {
        stdio: [fd, 'pipe', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, TMPDIR: tmp },
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'framefleet: error: input `-` reads standard input, which is a directory, not a media file [INPUT_NOT_A_FILE]\n',
      );
    } finally {
      closeSync(fd);
    }
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('refuses a terminal as standard input (nothing piped), at once', () => {
    // `script` runs the command on a pseudo-terminal, as a user typing it would.
    const command = `TMPDIR=${tmp} ${process.execPath} ${CLI} analyze beats -`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stdout.trim()).toBe(
      'framefleet: error: input `-` reads standard input, which is a terminal; pipe a file in (cat song.mp3 | framefleet analyze beats -) or name the file [INVALID_ARGUMENT]',
    );
  });

  it('removes the private temporary file on Ctrl-C while standard input is still coming', async () => {
    let modes: number[] = [];
    const result = await runPiped(['analyze', 'beats', '-'], undefined, (child) => {
      child.stdin!.write(Buffer.alloc(65_536));
      const pause = () => new Promise((r) => setTimeout(r, 50));
      void (async () => {
        // Until the copy has begun (the folder and its file exist), or the command has ended.
        let dir: string | undefined;
        while (child.exitCode === null && child.signalCode === null) {
          const [name] = await leftovers();
          dir = name === undefined ? undefined : join(tmp, name);
          if (dir && (await readdir(dir)).includes('stdin')) break;
          await pause();
        }
        if (!dir) return;
        modes = [(await stat(dir)).mode & 0o777, (await stat(join(dir, 'stdin'))).mode & 0o777];
        child.kill('SIGINT');
      })().catch(() => child.kill('SIGKILL'));
    });
    expect(modes).toEqual([0o700, 0o600]);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
  });

  it('refuses more than the cap, naming it, and removes what it copied', async () => {
    const signal = new AbortController().signal;
    // os.tmpdir() is TMPDIR's: the folder is made where afterEach looks for leftovers.
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      await expect(
        spoolStdin(signal, Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000),
      ).rejects.toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message:
          'standard input (input `-`) is over 1000 bytes, the most framefleet copies of it; save it to a file and name that',
      });
      const spooled = await spoolStdin(signal, Readable.from([Buffer.alloc(600)]), 1000);
      expect((await stat(spooled.path)).size).toBe(600);
      await spooled.remove();
      expect(spooled.path.startsWith(join(tmp, STDIN_DIR_PREFIX))).toBe(true);
      await expect(stat(spooled.path)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
