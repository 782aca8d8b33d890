import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { runFfmpeg, runFfprobe } from '../../src/media/run.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';

// The core acceptance: 720p30 with audio, 4 segments (one second each), frame-exact, quality equal to one ffmpeg pass.
describe('transcode split-and-stitch (720p30, 4 segments)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    source = join(dir, 'source.mp4');
    await sampleClip({ path: source, width: 1280, height: 720, fps: 30, scenes: [1, 1, 1, 1] });
  });
  afterAll(() => cleanup());

  it('is frame-exact, keeps A/V in sync and matches a single ffmpeg pass', async () => {
    const output = join(dir, 'out.mp4');
    const result = await runCli(
      [
        'transcode',
        source,
        '-o',
        output,
        '--segments',
        '4',
        '--preset',
        'fast',
        '--json',
        '--data-dir',
        join(dir, 'data'),
      ],
      {},
      300_000,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      segments: number;
      frames: number;
    };
    expect(report.segments).toBe(4);

    const [src, out] = await Promise.all([probe(source), probe(output)]);
    expect(out.video!.frameCount).toBe(src.video!.frameCount);
    // probe counts an MP4's frames from its sample table: ffprobe's own packet count agrees.
    const counted = await runFfprobe(
      [
        '-count_packets',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=nb_read_packets',
        '-of',
        'csv=p=0',
        output,
      ],
      { label: 'count packets' },
    );
    expect(Number(counted.stdout.toString().trim())).toBe(out.video!.frameCount);
    const audioFrame = src.audio!.frameSize / src.audio!.sampleRate;
    expect(Math.abs(out.audio!.durationSec - out.video!.durationSec)).toBeLessThanOrEqual(audioFrame);

    // The same encoder settings in one plain ffmpeg command (what a user would do by hand).
    const single = join(dir, 'single.mp4');
    await runFfmpeg(
      [
        '-i',
        source,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '23',
        '-x264-params',
        'keyint=60:open_gop=0',
        '-c:a',
        'copy',
        '-y',
        single,
      ],
      { timeoutMs: 300_000 },
    );
    const [ours, theirs] = await Promise.all([psnrByIndex(output, source), psnrByIndex(single, source)]);
    expect(ours.perFrame).toHaveLength(src.video!.frameCount);
    process.stdout.write(
      `PSNR: split-and-stitch ${ours.average.toFixed(2)} dB, single pass ${theirs.average.toFixed(2)} dB\n`,
    );
    // No shifted frame: every output frame resembles the same-index source frame.
    expect(ours.min).toBeGreaterThanOrEqual(30);
    expect(Math.abs(ours.average - theirs.average)).toBeLessThanOrEqual(0.5);
  });

  it('reuses a finished job instead of encoding again', async () => {
    // Reuse does not depend on the picture size: a small clip of the same 4 scenes, 3 segments.
    const small = join(dir, 'small.mp4');
    await sampleClip({ path: small, width: 160, height: 90, fps: 30, scenes: [1, 1, 1, 1] });
    const output = join(dir, 'again.mp4');
    const args = [
      'transcode',
      small,
      '-o',
      output,
      '--segments',
      '3',
      '--preset',
      'fast',
      '--json',
      '--data-dir',
      join(dir, 'data2'),
    ];
    const first = await runCli([...args, '-y'], {}, 300_000);
    expect(first.code).toBe(0);
    // The same command again would replace the output: refused without -y, the file untouched.
    const before = await stat(output);
    const refused = await runCli(args, {}, 60_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists; give -y\/--overwrite.*\[OUTPUT_EXISTS\]/);
    expect((await stat(output)).mtimeMs).toBe(before.mtimeMs);
    const second = await runCli([...args, '-y'], {}, 300_000);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout.trim().split('\n').pop()!) as {
      reusedSegments: number;
      segments: number;
    };
    expect(report.reusedSegments).toBe(report.segments);
  });
});
