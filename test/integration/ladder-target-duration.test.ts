import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coveringTargetDuration } from '../../src/media/hls-playlist.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

// Segments of exactly 2.5 s (75 frames at 30 fps, then 1 s): ffmpeg's HLS writer rounds the target duration
// half to even (2), under the longest segment rounded (3), and the verification failed the job
// after every chunk was encoded.
describe('a ladder whose segments last a whole number and a half of seconds', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-ladder-target-'));
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=30:d=6', ...FAST_X264, join(dir, 'n.mp4')]);
  });
  afterAll(() => cleanup());

  it('is packaged with a target duration that covers them, and verifies', async () => {
    const run = await runCli([
      ...['transcode', join(dir, 'n.mp4'), '-o', join(dir, 'm.m3u8'), '--ladder', '90'],
      ...['--segment-seconds', '2.5', '--data-dir', join(dir, 'data'), '-q'],
    ]);
    expect(run.code, run.stderr).toBe(0);
    const playlist = await readFile(join(dir, 'm-90p', 'index.m3u8'), 'utf8');
    expect(playlist).toContain('#EXTINF:2.500000,');
    expect(playlist).toContain('#EXT-X-TARGETDURATION:3\n');
  });

  it('leaves a playlist whose target already covers its segments as it is', () => {
    const head = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:';
    const tail =
      '\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.500000,\nseg-00000.m4s\n#EXTINF:1.5,\nseg-00001.m4s\n#EXT-X-ENDLIST\n';
    expect(coveringTargetDuration(`${head}2${tail}`)).toBe(`${head}3${tail}`);
    expect(coveringTargetDuration(`${head}3${tail}`)).toBe(`${head}3${tail}`);
    expect(coveringTargetDuration(`${head}4${tail}`)).toBe(`${head}4${tail}`);
  });
});
