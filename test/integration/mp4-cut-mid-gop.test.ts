import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { analyzeScenes } from '../../src/pipelines/analyze/index.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

const run = promisify(execFile);

// An MP4 copied from mid-GOP (`-ss 1.3 -c copy -copyinkf`) stores the frames before its first sync
// sample, which no decoder gives. Its sample table was trusted as it was: transcode expected every
// stored frame and failed VERIFY_FAILED after 4 tries ("360 frames after encoding, expected 400"),
// and scene analysis counted frame 0 from the file's start with no warning (cuts 1.5 s early).
// Small: 320x180 at 25 fps, one hard cut at source frame 95 (3.8 s), GOPs of 30 frames, B-frames.
describe('an MP4 cut mid-GOP', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let cut: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-mp4-cut-'));
    const whole = join(dir, 'whole.mp4');
    cut = join(dir, 'cut.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=3.8'],
      ...['-f', 'lavfi', '-i', 'smptebars=s=320x180:r=25:d=1.2'],
      ...['-f', 'lavfi', '-i', 'sine=d=5'],
      ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]', '-map', '2:a'],
      ...[...FAST_X264, '-g', '30', '-keyint_min', '30', '-bf', '3', '-sc_threshold', '0', '-c:a', 'aac'],
      whole,
    ]);
    await ffmpeg(['-i', whole, '-ss', '1.3', '-c', 'copy', '-copyinkf', cut]);
  });
  afterAll(async () => cleanup());

  it('transcodes from its first keyframe, every decodable frame once, warned', async () => {
    const src = await probe(cut);
    expect(src.video!.undecodableLead).toBeGreaterThan(0);
    const output = join(dir, 'out.mp4');
    const r = await runCli([
      ...['transcode', cut, '-o', output, '--segments', '2', '--preset', 'fast'],
      ...['--data-dir', join(dir, 'data')],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /starts mid-GOP: its first \d+ video packets .* starts at that keyframe, [\d.]+ s into the file/,
    );
    const psnr = await psnrByIndex(output, cut);
    expect((await probe(output)).video!.frameCount).toBe(psnr.perFrame.length);
    expect(psnr.perFrame.length).toBe(src.video!.frameCount);
    expect(psnr.min).toBeGreaterThan(30);
  });

  // A trimmed copy (-ss before -i) stores its first GOP's start and hides it by its edit list: its
  // presented samples begin with no sync sample, yet every one of them decodes.
  it('a trimmed copy is not taken for one: every presented frame counts', async () => {
    const trimmed = join(dir, 'trimmed.mp4');
    await ffmpeg(['-ss', '1.3', '-i', join(dir, 'whole.mp4'), '-c', 'copy', trimmed]);
    const [ours, theirs] = await Promise.all([
      probe(trimmed),
      run('ffprobe', [
        ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
        ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', trimmed],
      ]),
    ]);
    expect(ours.video!.undecodableLead).toBeUndefined();
    expect(ours.video!.frameCount).toBe(Number(theirs.stdout.trim()));
  });

  it('scene analysis counts from that keyframe too, and says where it lies', async () => {
    const src = await probe(cut);
    const into = src.video!.startTimeSec - src.startTimeSec;
    // Frame 0 is the first keyframe, shown about 1.3 s + the rest of its GOP into the source.
    const skip = Math.round((1.3 + into) * 25);
    const result = await analyzeScenes(cut);
    expect(result.frames).toBe(src.video!.frameCount);
    expect(result.cuts.map((c) => [c.kind, c.frame])).toEqual([['hard', 95 - skip]]);
    expect(result.warnings?.[0]).toContain(
      `frame 0 and time 0 are that keyframe, ${into.toFixed(3)} s into the file`,
    );
  });
});
