import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramefleetError } from '../../src/errors.js';
import { probe } from '../../src/media/probe.js';
import { runFfmpeg } from '../../src/media/run.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

// Found by a new user's trial: a Matroska/WebM copy cut short (a failed download, `head -c`) was
// taken where a cut-short MP4 or AVI is refused: the transcode ran on what was there and failed its
// A/V check three times (exit 1, VERIFY_FAILED; the header's audio length against the cut video).
// Its element sizes (the Segment's, the last Cluster's) and the length its header gives now tell a
// cut; each kind of file, whole, is still taken.
describe('probe refuses a Matroska/WebM file cut short, and takes the whole ones', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-cut-mkv-')));
  afterAll(() => cleanup());

  const video = (seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=s=160x90:r=25:d=${seconds}`];
  const sine = (seconds: number) => ['-f', 'lavfi', '-i', `sine=d=${seconds}`];

  /** 4 s of video at 25 fps in the file the case names, made by ffmpeg as `args` say. */
  const cases: [string, string, (path: string) => Promise<void>][] = [
    [
      'H.264/AAC, audio 0.5 s longer than the video',
      'longer-audio.mkv',
      (path) => ffmpeg([...video(4), ...sine(4.5), ...FAST_X264, '-g', '25', '-c:a', 'aac', path]),
    ],
    [
      'H.264 with B-frames',
      'b-frames.mkv',
      (path) =>
        ffmpeg([
          ...video(4),
          ...sine(4),
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          '-bf',
          '3',
          '-c:a',
          'aac',
          path,
        ]),
    ],
    [
      'WebM, VP9 and Opus',
      'vp9.webm',
      (path) =>
        ffmpeg([
          ...[...video(4), ...sine(4), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8'],
          ...['-b:v', '200k', '-c:a', 'libopus', path],
        ]),
    ],
    [
      'MKV with a subtitle track',
      'subtitles.mkv',
      async (path) => {
        const srt = join(dir, 'lines.srt');
        await writeFile(
          srt,
          '1\n00:00:00,500 --> 00:00:01,500\nhello\n\n2\n00:00:02,000 --> 00:00:03,500\nagain\n',
        );
        await ffmpeg([
          ...video(4),
          ...sine(4),
          '-i',
          srt,
          ...['-map', '0', '-map', '1', '-map', '2'],
          ...FAST_X264,
          '-c:a',
          'aac',
          '-c:s',
          'srt',
          path,
        ]);
      },
    ],
    [
      'live MKV written to a pipe (no Duration, a Segment of unknown size)',
      'live.mkv',
      async (path) => {
        const { stdout } = await runFfmpeg(
          [...video(4), ...sine(4), ...FAST_X264, '-c:a', 'aac', '-f', 'matroska', 'pipe:1'],
          { timeoutMs: 120_000, label: 'test fixture' },
        );
        await writeFile(path, stdout);
      },
    ],
  ];

  it.each(cases)('%s: whole, taken with every frame; cut in half, refused', async (_name, file, make) => {
    const whole = join(dir, file);
    await make(whole);
    const info = await probe(whole);
    expect(info.video!.frameCount).toBe(100);
    expect(info.video!.variableFrameRate).toBe(false);
    const bytes = await readFile(whole);
    const cut = join(dir, `cut-${file}`);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const refused = await probe(cut).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(FramefleetError);
    expect((refused as FramefleetError).code).toBe('INPUT_CORRUPT');
    expect((refused as FramefleetError).message).toMatch(
      /is truncated or corrupt: its video can be read to \d\.\d\d s \((of the 4\.\d\d s its header gives|its header gives no length)\); the file ends at byte \d+, inside a cluster that runs to byte \d+$/,
    );
  });

  it('a copy that lost only what follows its last frames (the index) is taken; transcode refuses one cut short', async () => {
    const whole = join(dir, 'indexed.mkv');
    await ffmpeg([...video(4), ...sine(4), ...FAST_X264, '-c:a', 'aac', whole]);
    const bytes = await readFile(whole);
    // ffmpeg writes the Cues (the seek index) after the last Cluster: 10 bytes off cut into them only.
    const noIndex = join(dir, 'no-index.mkv');
    await writeFile(noIndex, bytes.subarray(0, bytes.length - 10));
    expect((await probe(noIndex)).video!.frameCount).toBe(100);
    const cut = join(dir, 'indexed-cut.mkv');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = await runCli(['transcode', cut, '-o', join(dir, 'out.mp4'), '--data-dir', join(dir, 'data')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /input `[^`]+indexed-cut\.mkv` is truncated or corrupt: its video can be read to \d\.\d\d s \(of the 4\.\d\d s its header gives\); the file ends at byte \d+, inside a cluster that runs to byte \d+ \[INPUT_CORRUPT\]/,
    );
  });
});
