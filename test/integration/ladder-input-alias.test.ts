import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

const run = promisify(execFile);

// A ladder published with -y removes the layout files (seg-NNNNN.m4s, init.mp4, index.m3u8) an
// earlier ladder left in its rendition folders, and replaces the ones it writes: never when that
// file is the job's input or its HLS key file.
describe('transcode --ladder: its own input and its folders', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  let n = 0;
  const ladder = (input: string, extra: string[] = [], data = `data-${n++}`) =>
    runCli(
      ['transcode', input, '-o', join(dir, 'master.m3u8'), '--ladder', '120', '--audio', 'none', '-y']
        .concat(extra)
        .concat(['--data-dir', join(dir, data)]),
      {},
      120_000,
    );

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-ladder-alias-'));
    source = join(dir, 'source.mp4');
    await run(
      'ffmpeg',
      ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2'].concat([
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        source,
      ]),
    );
    const first = await ladder(source);
    expect(first.code, first.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => cleanup());

  it('keeps an input that bears a stale segment name in the rendition folder', async () => {
    const input = join(dir, 'master-120p', 'seg-00007.m4s');
    await copyFile(source, input);
    const before = await readFile(input);
    const r = await ladder(input);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(input)).toEqual(before);
  }, 120_000);

  it('keeps an HLS key file that bears a stale segment name, and refuses to write over one named init.mp4', async () => {
    const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const stale = join(dir, 'master-120p', 'seg-00009.m4s');
    await writeFile(stale, key);
    const keyArgs = ['--hls-key-uri', 'https://keys.example/k1', '--hls-key'];
    const kept = await ladder(source, keyArgs.concat(stale));
    expect(kept.code, kept.stderr).toBe(0);
    expect(await readFile(stale)).toEqual(key);
    const init = join(dir, 'master-120p', 'init.mp4');
    await writeFile(init, key);
    const refused = await ladder(source, keyArgs.concat(init));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('OUTPUT_IS_INPUT');
    expect(await readFile(init)).toEqual(key);
  }, 240_000);

  // The HLS writer reads its segment name as a pattern: a data dir with `%` in it failed (written
  // `%%`, the escape an image2 pattern takes, it kept both characters).
  it('packages in a data dir whose name holds % and a space, with its audio', async () => {
    const withAudio = join(dir, 'with-audio.mp4');
    await mkdir(join(dir, 'pct'));
    await run('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:d=2', '-f', 'lavfi'],
      ...['-i', 'sine=d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', withAudio],
    ]);
    const r = await runCli(
      ['transcode', withAudio, '-o', join(dir, 'pct', 'master.m3u8'), '--ladder', '120'].concat([
        '--data-dir',
        join(dir, '100% data %d'),
      ]),
      {},
      120_000,
    );
    expect(r.code, r.stderr).toBe(0);
    for (const rendition of ['master-120p', 'master-audio']) {
      const playlist = await readFile(join(dir, 'pct', rendition, 'index.m3u8'), 'utf8');
      expect(playlist).toContain('seg-00000.m4s');
      expect(playlist).not.toContain('%');
    }
  }, 120_000);
});
