import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';
import { mountTiny, unmountTiny } from '../helpers/tiny-disk.js';

const tiny = mountTiny();
if (tiny.why) console.warn(`disk-full tests skipped: cannot mount a tmpfs here (${tiny.why})`);

/** Everything under `dir`, as relative paths: what a failed job left there. */
async function left(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

// A full output disk (a real one: a tmpfs too small for the output) and a full data dir, as a new
// user met them: the output was blamed as a corrupt input, retried three times, a ladder left a
// playlist naming a segment that never arrived, the manifest warning said nothing of where or why.
describe.skipIf(tiny.why !== undefined)('a full disk', () => {
  const full = tiny.dir!;
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    source = join(dir, 'in.mp4');
    // About 1 MB, and its transcode about as much: four times the tmpfs.
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30:d=4', '-f', 'lavfi', '-i', 'sine=d=4'],
      ...FAST_X264,
      ...['-c:a', 'aac', source],
    ]);
  });
  afterAll(async () => {
    await cleanup();
    unmountTiny(full);
  });

  const transcode = (output: string, dataDir: string, ...extra: string[]) =>
    runCli(['transcode', source, '-o', output, '-q', '--data-dir', dataDir, ...extra], {}, 180_000);

  /** The one error line, its code NO_SPACE naming `path`, said once: not retried. */
  const expectNoSpace = (stderr: string, path: string) => {
    const errors = stderr.split('\n').filter((l) => l.startsWith('framefleet: error:'));
    expect(errors, stderr).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^framefleet: error: no space left on device writing `.+` \(.+ free of .+\) \[NO_SPACE\]$/,
    );
    expect(errors[0]).toContain(`writing \`${path}`);
    expect(stderr).not.toContain('INPUT_CORRUPT');
    expect(
      stderr.split('\n').filter((l) => l.startsWith('framefleet: warning:')).length,
      stderr,
    ).toBeLessThanOrEqual(1);
  };

  it.each([
    ['a segmented transcode', ['--segments', '2']],
    ['a one-segment transcode', ['--segments', '1']],
  ])('%s fails with NO_SPACE naming the output, leaves nothing there (exit 1)', async (_name, extra) => {
    const output = join(full, 'x.mp4');
    const result = await transcode(output, join(dir, `data-${extra[1]}`), ...extra);
    expect(result.code, result.stderr).toBe(1);
    expectNoSpace(result.stderr, output);
    expect(await left(full)).toEqual([]);
  });

  it('a ladder fails with NO_SPACE and removes what it published: no playlist without its segments', async () => {
    const output = join(full, 'm.m3u8');
    const result = await transcode(output, join(dir, 'data-ladder'), '--ladder', '360,180');
    expect(result.code, result.stderr).toBe(1);
    expectNoSpace(result.stderr, `${full}/m-`);
    expect(await left(full)).toEqual([]);
  });

  it('a full data dir: the manifest warning names the file and the reason, once', async () => {
    const filler = join(full, 'filler');
    await writeFile(filler, Buffer.alloc(512 * 1024)).catch(() => undefined);
    try {
      const data = join(full, 'data');
      const result = await transcode(join(dir, 'out.mp4'), data, '--segments', '2');
      expect(result.code, result.stderr).toBe(1);
      const said = result.stderr.split('\n').filter((l) => l.includes('manifest'));
      expect(said, result.stderr).toHaveLength(1);
      expect(said[0]).toMatch(
        new RegExp(
          `^framefleet: error: cannot write the manifest of job \\S+, its state is not saved: no space left on device writing \`${data}/jobs/\\S+/manifest.json\` \\(0 B free of 256 KiB\\)$`,
        ),
      );
      expect(result.stderr).toContain('[NO_SPACE]');
    } finally {
      await rm(filler, { force: true });
      await rm(join(full, 'data'), { recursive: true, force: true });
    }
  });
});
