import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleClipArgs } from '../../src/media/generate.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const COMMANDS = [
  ['transcode'],
  ['submit'],
  ['analyze', 'scenes'],
  ['analyze', 'beats'],
  ['analyze', 'proxy'],
  ['jobs', 'list'],
  ['jobs', 'show'],
  ['jobs', 'rm'],
  ['jobs', 'clean'],
  ['jobs', 'resume'],
  ['server'],
  ['worker'],
  ['nodes'],
  ['queues'],
  ['doctor'],
  ['calibrate'],
  ['demo'],
];

// Each command's --help, run once for the tests that read it.
const helps = new Map<string, Promise<CliResult>>();
const help = (command: string[]): Promise<CliResult> => {
  const key = command.join(' ');
  if (!helps.has(key)) helps.set(key, runCli([...command, '--help']));
  return helps.get(key)!;
};

// One way to report: a summary for people, --json for machines, the same exit codes everywhere.
describe('every command reports the same way', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clip: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    clip = join(dir, 'clip.mp4');
    await ffmpeg(sampleClipArgs({ path: clip, width: 192, height: 108, fps: 25, scenes: [1, 1, 1, 1] }).args);
  });
  afterAll(() => cleanup());

  it('every command that runs a job or an analysis takes -q, as the README says', async () => {
    // Before: `analyze beats X -q` was "unknown option '-q'" (exit 2).
    const jobs = [
      ['transcode'],
      ['submit'],
      ['montage'],
      ['render'],
      ['jobs', 'resume'],
      ['analyze', 'scenes'],
      ['analyze', 'beats'],
      ['analyze', 'proxy'],
    ];
    const texts = await Promise.all(jobs.map(help));
    for (const [i, text] of texts.entries()) expect(text.stdout, jobs[i]!.join(' ')).toContain('-q, --quiet');
    const quiet = await runCli(['analyze', 'beats', clip, '-q', '--json']);
    expect(quiet.code).toBe(0);
    expect((JSON.parse(quiet.stdout) as { kind: string }).kind).toBe('beats');
  });

  it('help texts show each default once, never `[]`', async () => {
    const texts = await Promise.all(COMMANDS.map(help));
    for (const [i, text] of texts.entries()) {
      expect(text.code, COMMANDS[i]!.join(' ')).toBe(0);
      expect(text.stdout).not.toContain('(default: [])');
      // Options wrap over lines: one option's text runs until the next line that starts a flag.
      const options = text.stdout.split(/\n(?=\s+-)/);
      for (const option of options) expect(option.match(/\(default:/g)?.length ?? 0, option).toBeLessThan(2);
    }
    const transcode = texts[0]!.stdout;
    expect(transcode).toMatch(
      /--preset <p>\s+speed preset: fast\|balanced\|quality \(default:\s+"balanced"\)/,
    );
    expect(transcode).toMatch(/--quality <q>[^]*?\(default: 70\)/);
    expect(transcode).toContain('--scene-cuts');
    expect(transcode).toContain('-y, --overwrite');
  });

  it.each([
    ['transcode', 'x.mp4', '-o', 'y.mp4', '--bogus'],
    ['transcode', 'x.mp4', '-o', 'y.mp4', '--segments', '0'],
    ['analyze', 'scenes', 'x.mp4', '--shards', '0'],
    ['analyze', 'beats', 'x.mp4', '--bogus'],
    ['analyze', 'proxy', 'x.mp4', '-o', 'y.mp4', '--height', '10'],
    ['jobs', 'list', '--bogus'],
    ['submit', 'x.mp4', '-o', 'y.mp4', '--storage', 'file:///tmp', '--priority', 'high'],
    ['server', '--port', '70000'],
    ['server', '--workers', '0'],
  ])('usage error exits 2 with one line: %s %s', async (...args) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--priority without --redis is a usage error naming the flag and its value', async () => {
    // Found by the attacker trial: accepted and ignored, since a job in this process waits in no queue.
    const output = join(dir, 'prioritised.mp4');
    for (const args of [
      ['transcode', clip, '-o', output, '--priority', '5'],
      ['transcode', clip, '-o', output, '--priority', '0'],
      ['montage', '--clips', dir, '--music', clip, '-o', output, '--priority', '-3'],
    ]) {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toContain(`--priority ${args.at(-1)} needs --redis`);
    }
    await expect(stat(output)).rejects.toThrow(/ENOENT/);
  });

  it('server: a port in use or a data dir that is a file exits 2 with one line naming it', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const { port } = taken.address() as AddressInfo;
    const data = join(dir, 'data');
    const inUse = await runCli(['server', '--port', String(port), '--data', data]).finally(() =>
      taken.close(),
    );
    expect([inUse.code, inUse.stderr]).toEqual([
      2,
      `framefleet: error: port ${port} is in use (127.0.0.1:${port}); pick another with --port [PORT_IN_USE]\n`,
    ]);
    await expect(stat(data)).rejects.toThrow(); // refused before the runtime made its data dir
    const file = await runCli(['transcode', clip, '-o', join(dir, 'never.mp4')], {
      FRAMEFLEET_DATA_DIR: clip,
    });
    expect([file.code, file.stderr]).toEqual([
      2,
      `framefleet: error: data dir \`${clip}\` is a file, not a folder [DATA_DIR_UNUSABLE]\n`,
    ]);
  });

  it('analyze prints a summary, --json the result, -o writes the file', async () => {
    const human = await runCli(['analyze', 'scenes', clip]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /^.*clip\.mp4: 4 shots, 3 cuts \(3 hard, 0 gradual\) in 100 frames \(4\.0 s\)\ncuts at /,
    );
    const json = await runCli(['analyze', 'scenes', clip, '--json']);
    expect((JSON.parse(json.stdout) as { cuts: unknown[] }).cuts).toHaveLength(3);

    const beats = join(dir, 'beats.json');
    const written = await runCli(['analyze', 'beats', clip, '-o', beats]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(
      new RegExp(
        `clip\\.mp4: .* in 4\\.0 s\\n(beats at .*\\n)?(\\d beats a bar, bars at .*\\n)?((level: .*; )?confidence \\d\\.\\d\\d\\n)?written to ${beats}\\n$`,
      ),
    );
    expect((JSON.parse(await readFile(beats, 'utf8')) as { kind: string }).kind).toBe('beats');

    const proxy = join(dir, 'proxy.mp4');
    const made = await runCli(['analyze', 'proxy', clip, '-o', proxy, '--height', '90', '--json']);
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ output: proxy, height: 90, frames: 100 });
  });

  it('analyze never replaces its input or an existing file unasked', async () => {
    const before = await readFile(clip);
    const same = await runCli(['analyze', 'proxy', clip, '-o', clip, '-y']);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/is the input .*\[OUTPUT_IS_INPUT\]/);
    expect((await readFile(clip)).equals(before)).toBe(true);

    const notes = join(dir, 'notes.json');
    await writeFile(notes, '{"mine":true}');
    const kept = await runCli(['analyze', 'scenes', clip, '-o', notes]);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(/already exists; give -y\/--overwrite.*\[OUTPUT_EXISTS\]/);
    expect(await readFile(notes, 'utf8')).toBe('{"mine":true}');
    const replaced = await runCli(['analyze', 'scenes', clip, '-o', notes, '-y']);
    expect(replaced.code).toBe(0);
    expect(JSON.parse(await readFile(notes, 'utf8'))).toMatchObject({ kind: 'scenes' });

    for (const args of [
      ['analyze', 'beats', clip, '-o', join(dir, 'nope', 'b.json')],
      ['analyze', 'proxy', clip, '-o', join(dir, 'nope', 'p.mp4')],
    ]) {
      const missing = await runCli(args);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/directory .*nope.* does not exist \[OUTPUT_UNWRITABLE\]/);
    }
  });

  it('transcode shows the real slot count and its rate over the run; a reused job says so', async () => {
    const args = ['transcode', clip, '-o', join(dir, 'out.mp4'), '-y', '--segments', '4', '--workers', '2'];
    const dataDir = ['--data-dir', join(dir, 'data')];
    const first = await runCli([...args, ...dataDir]);
    expect(first.code).toBe(0);
    // Not a terminal: plain progress lines naming how many encodes run at once.
    expect(first.stderr).toMatch(/segments \d\/4\s+2 encoding\s+(\d+|--) fps/);
    expect(first.stdout).toMatch(
      /\n4 segments encoded with libx264, up to 2 at once, \d+ fps over the run, /,
    );

    const human = await runCli([...args, ...dataDir]);
    expect(human.stdout).toMatch(/\nnothing re-encoded: 4 segments reused, encoder libx264, /);
    expect(human.stderr).not.toMatch(/segments 0\/0/);
  });
});
