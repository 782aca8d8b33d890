import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir, FAST_X264 } from '../helpers/media.js';

// Documented behaviour: VFR input is normalised onto a constant grid at its average rate, the same
// grid `ffmpeg -vf fps=R` would produce, with a warning that says how many frames become how many.
describe('variable frame rate input', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    source = join(dir, 'vfr.mkv');
    // Frame times jitter: every third frame is held longer.
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x180:r=30:d=4',
      '-vf',
      "setpts='N/30/TB + floor(N/3)*0.02/TB'",
      '-fps_mode',
      'vfr',
      ...FAST_X264,
      '-g',
      '30',
      join(dir, 'vfr.mkv'),
    ]);
  });
  afterAll(() => cleanup());

  /** `transcode` in two segments, as a user runs it. */
  const inTwo = (input: string, output: string) =>
    runCli(['transcode', input, '-o', output, '--segments', '2', '--data-dir', join(dir, 'data')]);

  it('is detected and normalised to CFR with a warning, frame-exact against fps=R', async () => {
    const info = await probe(source);
    expect(info.video!.variableFrameRate).toBe(true);
    const output = join(dir, 'out.mp4');
    const result = await runCli([
      'transcode',
      source,
      '-o',
      output,
      '--segments',
      '4',
      '--preset',
      'fast',
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/variable frame rate input: normalising to constant/);
    // The verification names both counts: the output's frames are the timeline's, not the source's.
    expect(result.stdout).toMatch(
      new RegExp(`verified: \\d+ frames = the source's ${info.video!.frameCount} variable-rate frames`),
    );
    const rate = info.video!.avgFrameRate!;
    const reference = join(dir, 'reference.mkv');
    await ffmpeg([
      '-copyts',
      '-start_at_zero',
      '-i',
      source,
      '-vf',
      `fps=fps=${rate.num}/${rate.den}:start_time=0`,
      '-fps_mode',
      'passthrough',
      '-c:v',
      'ffv1',
      reference,
    ]);
    const [out, ref] = await Promise.all([probe(output), probe(reference)]);
    expect(out.video!.variableFrameRate).toBe(false);
    expect(out.video!.frameCount).toBe(ref.video!.frameCount);
    const psnr = await psnrByIndex(output, reference);
    expect(psnr.min).toBeGreaterThanOrEqual(30);
  });

  // Found by a new user's trial: one 3 s gap (a camera paused) was a single odd step, counted as
  // constant-rate: exit 0, "verified", and 6 s of video played in 3.
  it('keeps the time of one long gap between frames', async () => {
    const gap = join(dir, 'gap.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=30:d=6'],
      ...['-vf', "select='lt(t,1)+gt(t,4)'", '-fps_mode', 'vfr', ...FAST_X264, gap],
    ]);
    const output = join(dir, 'gap-out.mp4');
    const result = await runCli([
      ...['transcode', gap, '-o', output, '--segments', '3', '--data-dir', join(dir, 'data')],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const out = await probe(output);
    expect(out.video!.durationSec).toBeCloseTo(6, 1);
    expect(out.video!.frameCount).toBe(180);
  });

  // Found by the new-user trial: every VFR Matroska file with audio (a phone clip remuxed) failed
  // its own verification, exit 1: the source's video end came from the header (Matroska's last
  // frame has no duration), the output's from the constant-rate grid, 0.034 s apart here.
  it('keeps the audio of a VFR Matroska source and verifies it', async () => {
    const withAudio = join(dir, 'vfr-audio.mkv');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=4', '-f', 'lavfi', '-i', 'sine=f=440:d=4'],
      ...['-vf', "setpts='N/30/TB + floor(N/3)*0.02/TB'", '-fps_mode', 'vfr', ...FAST_X264, '-g', '30'],
      ...['-c:a', 'aac', withAudio],
    ]);
    const output = join(dir, 'out-audio.mp4');
    const result = await inTwo(withAudio, output);
    expect(result.stderr).not.toMatch(/durations disagree/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/audio 4\.0\d\d s \(A\/V within one audio frame of the source\)/);
  });

  // Found by the new-user trial: ffmpeg remuxing a VFR MP4 into Matroska writes the average rate as
  // the track's default duration, which ffprobe then reads as the base rate: the 25 fps stretch
  // went onto a 15.7 fps grid and lost a third of its frames.
  it('keeps every frame of the fast stretch of a VFR file remuxed to Matroska', async () => {
    const mp4 = join(dir, 'two-rates.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=4'],
      ...['-vf', "setpts='if(lt(N,50),N/25,2+(N-50)/12.5)/TB'", '-fps_mode', 'vfr', ...FAST_X264],
      ...['-frames:v', '75', '-video_track_timescale', '1000', mp4],
    ]);
    const mkv = join(dir, 'two-rates.mkv');
    await ffmpeg(['-i', mp4, '-c', 'copy', mkv]);
    const output = join(dir, 'two-rates-out.mp4');
    const result = await runCli(['transcode', mkv, '-o', output, '--data-dir', join(dir, 'data')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/normalising to constant 25\.000 fps \(75 source frames become 99\)/);
  });
  // A tester's VFR Matroska (1 ms time base, every 7th frame 17 ms late): ffprobe gives no average
  // (0/0) and the time base as r_frame_rate (1000/1), and 90 frames at 30 fps became 2,950 at 1000.
  it('normalises a Matroska that gives no average rate at the mean rate of its frames', async () => {
    const mkv = join(dir, 'no-average.mkv');
    const filter = "testsrc2=s=160x90:r=30:d=3,settb=1/1000,setpts='N*33+if(mod(N,7),0,17)'";
    await ffmpeg(['-f', 'lavfi', '-i', filter, '-fps_mode', 'vfr', ...FAST_X264, mkv]);
    const info = await probe(mkv);
    expect(info.video!.avgFrameRate).toBeUndefined();
    expect(info.video!.frameCount).toBe(90);
    const output = join(dir, 'no-average.mp4');
    const result = await inTwo(mkv, output);
    expect(result.code, result.stderr).toBe(0);
    const out = await probe(output);
    expect(Math.abs(out.video!.frameCount - 90)).toBeLessThanOrEqual(2);
    expect(30 / (out.video!.frameRate.num / out.video!.frameRate.den)).toBeCloseTo(1, 1);
    const scenes = await runCli(['analyze', 'scenes', mkv, '--json']);
    const fps = (JSON.parse(scenes.stdout) as { source: { fps: number } }).source.fps;
    expect(fps).toBeGreaterThan(29);
    expect(fps).toBeLessThan(31.5);
  });
});
