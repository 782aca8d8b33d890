import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// Start-up: the ffmpeg/ffprobe version check is remembered per binary, not paid by every command.
describe('ffmpeg version check cache', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const env = () => ({ XDG_CACHE_HOME: dir });
  const file = () => join(dir, 'framefleet', 'ffmpeg-version.json');

  // FLAC, not WAV: a plain WAV is read without ffmpeg.
  let song: string;
  const beats = () => runCli(['analyze', 'beats', song, '--json'], env());

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    song = join(dir, 'tone.flac');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=1', song]);
  });
  afterAll(() => cleanup());

  /** The entry remembered for the binaries in use (the file's first, the one written last). */
  interface Saved {
    entries: { key: string; at: number; value: { text: string; major: number; minor: number } }[];
  }
  const read = async () => JSON.parse(await readFile(file(), 'utf8')) as Saved;

  it('is written once, used while the binaries are the same, and ignored when they change', async () => {
    const first = await beats();
    expect(first.code).toBe(0);
    const saved = await read();
    expect(saved.entries).toHaveLength(1);
    const [mine] = saved.entries;
    expect(mine!.key).toMatch(/ffmpeg:\d+:\d+:\d+\|.*ffprobe:\d+:\d+:\d+$/);
    expect(mine!.value.major).toBeGreaterThanOrEqual(5);

    // A remembered answer is believed for the same binaries: proven by a planted "too old" one.
    const tooOld = { text: 'ffmpeg 4.4', major: 4, minor: 4 };
    await writeFile(file(), JSON.stringify({ entries: [{ ...mine, value: tooOld }] }));
    const believed = await beats();
    expect(believed.code).toBe(1);
    expect(believed.stderr).toMatch(/ffmpeg 4\.4 .* is too old.*\[FFMPEG_TOO_OLD\]/);

    // Another binary (different identity) is checked for real again, and what was learned of the
    // other one is kept beside it: runs that alternate between two builds do not pay again.
    const other = { key: 'other', at: mine!.at, value: tooOld };
    await writeFile(file(), JSON.stringify({ entries: [other] }));
    const checked = await beats();
    expect(checked.code).toBe(0);
    const after = await read();
    expect(after.entries.map((e) => [e.key, e.value])).toEqual([
      [mine!.key, mine!.value],
      ['other', tooOld],
    ]);
  });
});
