import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

// What a new user met: a proxy written as MP4 under any extension, warnings that -q hid, a render
// spec that was a folder said to be unreadable, and plan lines that said more at once than there
// were segments.
describe('the CLI as a new user met it', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const clip = (name: string) => join(dir, name);
  const lavfi = (spec: string) => ['-f', 'lavfi', '-i', spec];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-first-user-'));
    const picture = lavfi('testsrc2=s=160x120:r=25:d=2');
    await ffmpeg([
      ...picture,
      ...lavfi('sine=d=2'),
      ...FAST_X264,
      '-c:a',
      'aac',
      '-shortest',
      clip('cuts.mp4'),
    ]);
    await ffmpeg([...picture, ...FAST_X264, clip('silent.mp4')]);
    await ffmpeg([...lavfi('testsrc2=s=160x120:r=25'), '-frames:v', '1', ...FAST_X264, clip('one.mp4')]);
    await ffmpeg([
      ...picture,
      ...FAST_X264,
      ...['-pix_fmt', 'yuv420p10le', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084'],
      ...['-colorspace', 'bt2020nc', clip('hdr.mp4')],
    ]);
  });
  afterAll(() => cleanup());

  const transcode = (input: string, output: string, ...extra: string[]) =>
    runCli(['transcode', clip(input), '-o', clip(output), '--data-dir', clip('data'), ...extra]);

  it.each(['p.avi', 'p.txt', 'p.mkv'])(
    'analyze proxy -o %s is refused before any work, naming the extensions a proxy may have',
    async (name) => {
      const r = await runCli(['analyze', 'proxy', clip('cuts.mp4'), '-o', clip(name)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `framefleet: error: invalid proxy spec: expected \`output\` to end in .mp4, .m4v, got \`${clip(name)}\` [INVALID_SPEC]\n`,
      );
      expect(await exists(clip(name))).toBe(false);
    },
  );

  it("refuses an output name holding a line break, which would split stdout's output line in two", async () => {
    const r = await transcode('cuts.mp4', 'a\nb.mp4');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `framefleet: error: invalid transcode spec: expected \`output\` without control characters, got U+000A at character ${dir.length + 3} of \`${dir}/a\\u000ab.mp4\` [INVALID_SPEC]\n`,
    );
    expect(await exists(clip('a\nb.mp4'))).toBe(false);
  });

  it('-q hides progress and info lines, never a warning', async () => {
    const hdr = await transcode('hdr.mp4', 'hdr-out.mp4', '-q');
    expect(hdr.code, hdr.stderr).toBe(0);
    expect(hdr.stderr).toMatch(/^framefleet: warning: input `.*hdr\.mp4` is HDR \(transfer smpte2084\)/);
    expect(hdr.stderr.trim().split('\n')).toHaveLength(1);

    const silent = await transcode('silent.mp4', 'silent-out.mp4', '--audio', 'aac', '-q');
    expect(silent.code, silent.stderr).toBe(0);
    expect(silent.stderr).toBe(
      `framefleet: warning: input \`${clip('silent.mp4')}\` has no audio stream to aac: the output will have video only\n`,
    );

    // Cut down to one segment: one line saying so, no "as asked" line before it (nor without -q).
    const using =
      'framefleet: warning: --segments 3: 1 frames allow at most 1 segment of at least 0.5 s; using 1\n';
    const one = await transcode('one.mp4', 'one-out.mp4', '--segments', '3', '-q');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toBe(using);
    const loud = await transcode('one.mp4', 'one-loud.mp4', '--segments', '3');
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toContain(using);
    expect(loud.stderr).not.toMatch(/as asked/);

    const clean = await transcode('cuts.mp4', 'clean-out.mp4', '-q');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toBe('');
  }, 120_000);

  it('--json keeps stdout for JSON and says its warnings on stderr, as analyze --json does', async () => {
    const noAudio = `input \`${clip('silent.mp4')}\` has no audio stream to aac: the output will have video only`;
    const using = '--segments 3: 1 frames allow at most 1 segment of at least 0.5 s; using 1';
    const runs = [
      [await transcode('silent.mp4', 'silent-json.mp4', '--audio', 'aac', '--json'), noAudio],
      [await transcode('one.mp4', 'one-json.mp4', '--segments', '3', '--json'), using],
    ] as const;
    for (const [run, warning] of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe(`framefleet: warning: ${warning}\n`);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; warnings?: string[] });
      expect(lines.at(-1)).toMatchObject({ type: 'result', warnings: [warning] });
    }
  }, 120_000);

  it('says no more encodes at once than a one-segment job has', async () => {
    const config = resolve('examples/processors/framefleet.yaml');
    const processed = await transcode('cuts.mp4', 'nl.mp4', '--process', 'nlmeans', '--config', config);
    expect(processed.code, processed.stderr).toBe(0);
    expect(processed.stderr).toContain(
      'framefleet: processors: 1 segment at once, each through its processors and a single-threaded encode\n',
    );
    const workers = await transcode('cuts.mp4', 'w.mp4', '--workers', '2');
    expect(workers.code, workers.stderr).toBe(0);
    expect(workers.stderr).toMatch(/^framefleet: --workers 2: 1 encode at once with \d+ of \d+ cores each$/m);
  }, 120_000);

  it('render refuses a spec that is a folder, or missing, as every command refuses such an input', async () => {
    await mkdir(clip('media'));
    const folder = await runCli(['render', clip('media'), '-o', clip('r.mp4')]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(
      `framefleet: error: render spec \`${clip('media')}\` is a directory, not a JSON file [INPUT_NOT_A_FILE]\n`,
    );
    const missing = await runCli(['render', clip('nope.json'), '-o', clip('r.mp4')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `framefleet: error: render spec \`${clip('nope.json')}\` does not exist [INPUT_NOT_FOUND]\n`,
    );
    expect(await exists(clip('r.mp4'))).toBe(false);
  });

  // Found by a new user's trial: a URL was "does not exist", and transcode named it as a path
  // under the working folder (/work/https:/host/a.mp4).
  it.each([
    [['analyze', 'beats', 'https://example.com/song.mp3'], 'input'],
    [['transcode', 'https://example.com/v.mp4', '-o', 'x.mp4'], 'input'],
    [['montage', '--clips', 'a.mp4', '--music', 's3://bucket/m.mp3', '-o', 'm.mp4'], '--music'],
  ])('refuses a URL as a URL, named as typed: %j', async (args, what) => {
    const result = await runCli(args as string[]);
    expect(result.code).toBe(2);
    const url = (args as string[]).find((a) => a.includes('://'))!;
    expect(result.stderr).toBe(
      `framefleet: error: ${what} \`${url}\` is a URL; framefleet reads files (local ones, or keys of its configured storage): download it first [INPUT_NOT_FOUND]\n`,
    );
  });
});
