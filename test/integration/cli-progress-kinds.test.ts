import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMontageClips, makeMontageMusic } from '../../bench/lib/montage-media.js';
import { mp4Packets } from '../../src/media/mp4-samples.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, ffprobeStreams, tempDir } from '../helpers/media.js';

// The plain progress line a log gets (stderr is not a terminal here).
const PROGRESS = /^\s*\d+\.\d%\s+segments \d+\/\d+\s+\d+ encoding/m;

describe('what the CLI says while and before it works, on jobs other than a plain transcode', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-progress-kinds-'));
  });
  afterAll(() => cleanup());

  it('a montage shows progress while its runs of entries render (they are planned by the edit task, later)', async () => {
    await mkdir(join(dir, 'clips'));
    await makeMontageClips(join(dir, 'clips'), { usable: 2, seconds: 2, size: '160x120', fps: 30 });
    const music = (await makeMontageMusic(dir, 120, 5)).path;
    const r = await runCli([
      'montage',
      '--clips',
      join(dir, 'clips'),
      '--music',
      music,
      '-o',
      join(dir, 'cut.mp4'),
      '--duration',
      '3',
      '--height',
      '144',
      '--preset',
      'fast',
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(PROGRESS);
  }, 120_000);

  it('a ladder shows progress while its chunks encode', async () => {
    const source = join(dir, 'ladder-src.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-t', '2', ...FAST_X264, source]);
    await mkdir(join(dir, 'ladder'));
    const r = await runCli([
      'transcode',
      source,
      '-o',
      join(dir, 'ladder', 'master.m3u8'),
      '--ladder',
      '144',
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(PROGRESS);
  }, 120_000);

  it('--audio none leaves out the audio and says nothing of the tracks it keeps (the subtitles)', async () => {
    const srt = join(dir, 'subs.srt');
    await writeFile(srt, '1\n00:00:00,000 --> 00:00:01,000\nHello\n');
    const multi = join(dir, 'multi.mkv');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25', '-f', 'lavfi', '-i', 'sine=f=440'],
      ...['-f', 'lavfi', '-i', 'sine=f=880', '-i', srt, '-t', '1'],
      ...[
        '-map',
        '0',
        '-map',
        '1',
        '-map',
        '2',
        '-map',
        '3',
        ...FAST_X264,
        '-c:a',
        'aac',
        '-c:s',
        'srt',
        multi,
      ],
    ]);
    const run = (name: string, audio: string) =>
      runCli(['transcode', multi, '-o', join(dir, name), '--audio', audio, '--data-dir', join(dir, 'data')]);
    const kinds = async (name: string) =>
      (await ffprobeStreams(join(dir, name))).map((s) => s.codec_type).join(',');
    const none = await run('none.mp4', 'none');
    expect(none.code, none.stderr).toBe(0);
    // No audio, as asked, and nothing else left out: the subtitles are kept (as mov_text).
    expect(none.stderr).not.toContain('will not have');
    expect(await kinds('none.mp4')).toBe('video,subtitle');
    const auto = await run('auto.mp4', 'auto');
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).not.toContain('will not have');
    expect(await kinds('auto.mp4')).toBe('video,audio,audio,subtitle');
  }, 120_000);

  it('an output that appears while the job runs is refused naming -y, not the API spec field', async () => {
    const source = join(dir, 'race-src.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25', '-t', '1', ...FAST_X264, source]);
    const output = join(dir, 'race.mp4');
    // A processor that passes the frames through and, meanwhile, puts a file of the user's at OUT.
    const config = join(dir, 'sneak.yaml');
    const command = ['sh', '-c', 'cp "$1" "$2" && echo mine > "$3"', 'sh', '{input}', '{output}', output];
    await writeFile(
      config,
      `processors:\n  sneak:\n    command: ${JSON.stringify(command)}\n    io: video\n`,
    );
    const r = await runCli([
      'transcode',
      source,
      '-o',
      output,
      '--process',
      'sneak',
      '--config',
      config,
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'appeared while the job ran; it was left as it is (give -y/--overwrite to replace it)',
    );
    expect(r.stderr).not.toContain('in the spec');
  }, 120_000);

  it('an odd --height or --width (montage, render, proxy) is a usage error naming the flag, like an out-of-range one', async () => {
    const cases = [
      ['montage', '--clips', dir, '--music', join(dir, 'm.wav'), '-o', join(dir, 'x.mp4'), '--height', '481'],
      ['render', join(dir, 'spec.json'), '-o', join(dir, 'x.mp4'), '--width', '1281'],
      ['render', join(dir, 'spec.json'), '-o', join(dir, 'x.mp4'), '--height', '721'],
      // A proxy of 101 rows was made 100 without a word.
      ['analyze', 'proxy', join(dir, 'm.wav'), '-o', join(dir, 'p.mp4'), '--height', '101'],
    ];
    for (const args of cases) {
      const r = await runCli([...args, '--data-dir', join(dir, 'data')]);
      const flag = args.at(-2)!;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim()).toMatch(
        new RegExp(
          `expected ${flag} to be even \\(4:2:0 video needs even sizes\\), got \`${args.at(-1)}\` \\[INVALID_ARGUMENT\\]$`,
        ),
      );
    }
  });

  it('a split 29.97 fps transcode keeps every frame on its own time: no seam moves the rest later', async () => {
    const source = join(dir, 'ntsc.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=30000/1001', '-t', '6', ...FAST_X264, '-g', '30'],
      source,
    ]);
    const output = join(dir, 'ntsc-out.mp4');
    const r = await runCli([
      'transcode',
      source,
      '-o',
      output,
      '--segments',
      '4',
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const packets = (await mp4Packets(output, 0, (await stat(output)).size))!;
    const times = packets.map((p) => p.pts).sort((a, b) => a - b);
    expect(times).toHaveLength(180);
    // Each segment's MP4 says 1.502 s for its 45 frames (1.5015 s); the stitch must not add the 0.5 ms.
    // Times from the sample table, before the edit list that starts the video at its first frame.
    const late = times
      .map((t, n) => Math.round((t - times[0]! - (n * 1001) / 30000) * 1e6))
      .filter((us) => us !== 0);
    expect(late).toEqual([]);
  }, 120_000);

  it('--segments more than a 0.3 s clip holds says it uses 1 segment, in the singular', async () => {
    const source = join(dir, 'short.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=30', '-t', '0.3', ...FAST_X264, source]);
    const r = await runCli([
      'transcode',
      source,
      '-o',
      join(dir, 'short-out.mp4'),
      '--segments',
      '4',
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('--segments 4: 9 frames allow at most 1 segment of at least 0.5 s; using 1');
  }, 60_000);
});
