import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runFfprobe } from '../../src/media/run.js';
import { makeMontageMusic } from '../../bench/lib/montage-media.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// Found by a new user's trial: an MPEG-TS whose picture size changes mid-stream (a broadcaster
// switching from 1080p to 720p, two captures joined) failed VERIFY_FAILED after three stitch
// attempts: ffmpeg rebuilt its filter graph at the new size, which restarted the trims and
// timestamps of every segment that crossed it. ffprobe's header names the first size only.
// Here: 2.4 s of 320x240 then 1.6 s of 160x120 at 25 fps, with audio, joined by the concat demuxer:
// the change at frame 60, inside the second of three segments (its seam check decodes across it)
// and of two ladder chunks (frames 50-99).
describe('a video whose picture size changes mid-stream', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let joined: string;
  let catJoined: string;
  let plain: string;
  const data = () => join(dir, 'data');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-size-change-'));
    const part = (size: string, name: string, seconds: number) =>
      ffmpeg([
        ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25:duration=${seconds}`],
        ...['-f', 'lavfi', '-i', `sine=frequency=${seconds * 400}:duration=${seconds}`],
        ...['-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-c:a', 'aac', join(dir, name)],
      ]);
    await Promise.all([part('320x240', 'a.ts', 2.4), part('160x120', 'b.ts', 1.6)]);
    plain = join(dir, 'a.ts');
    joined = join(dir, 'joined.ts');
    const list = join(dir, 'list.txt');
    // The second part placed at exactly 2.4 s: the joined file is constant-rate.
    await writeFile(list, `ffconcat version 1.0\nfile a.ts\nduration 2.4\nfile b.ts\n`);
    await ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', joined]);
    catJoined = join(dir, 'cat.ts');
    const [a, b] = await Promise.all([readFile(plain), readFile(join(dir, 'b.ts'))]);
    await writeFile(catJoined, Buffer.concat([a, b]));
  }, 60_000);
  afterAll(() => cleanup());

  it('is found by the probe: the sizes and where they change; an ordinary TS has one size', async () => {
    const info = await probe(joined);
    expect(info.video).toMatchObject({ width: 320, height: 240, frameCount: 100 });
    expect(info.video!.sizes).toEqual([
      { width: 320, height: 240, atSec: 0 },
      { width: 160, height: 120, atSec: 2.4 },
    ]);
    expect((await probe(plain)).video!.sizes).toBeUndefined();
    // Joined byte-wise, the timestamps restart with the second file (its first decode time, 1.4 s,
    // after the first file's last, 3.76 s): both sizes, and the restart.
    const cat = (await probe(catJoined)).video!;
    expect(cat.sizes?.map((s) => `${s.width}x${s.height}`)).toEqual(['320x240', '160x120']);
    expect(cat.timestampRestart).toEqual({ fromSec: 3.76, toSec: 1.4 });
  }, 60_000);

  it('refuses a file joined byte by byte, naming the restart and the way to join it', async () => {
    const output = join(dir, 'cat.mp4');
    const run = await runCli(['transcode', catJoined, '-o', output, '--data-dir', data()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `input \`${catJoined}\` has timestamps that restart mid-stream (from 3.760 s back to 1.400 s)`,
    );
    expect(run.stderr).toContain('ffmpeg -f concat -safe 0 -i list.txt -c copy joined.ts');
    expect(run.stderr).toContain('[UNSUPPORTED_MEDIA]');
  }, 60_000);

  it.each([
    ['in three segments, the second across the change', 'split', ['--segments', '3']],
    ['in one run', 'whole', ['--segments', '1']],
  ])(
    'transcodes %s: a warning, the first size, every frame in place',
    async (_how, name, args) => {
      const output = join(dir, `${name}.mp4`);
      const run = await runCli(['transcode', joined, '-o', output, ...args, '--data-dir', data()]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(
        `changes picture size mid-stream (320x240, then 160x120 from 2.400 s): every frame is scaled to the first size, 320x240`,
      );
      const { stdout } = await runFfprobe([
        ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
        ...['-show_entries', 'stream=width,height,nb_read_frames,duration', '-of', 'json', output],
      ]);
      const [stream] = (JSON.parse(stdout.toString()) as { streams: Record<string, unknown>[] }).streams;
      expect(stream).toMatchObject({ width: 320, height: 240, nb_read_frames: '100', duration: '4.000000' });
      // Each output frame is the source's frame of its number, scaled: a frame early or late differs.
      expect(await worstPsnr(output, joined, join(dir, `${name}.psnr`))).toBeGreaterThan(35);
    },
    120_000,
  );

  it('makes a ladder whose chunks cross the change', async () => {
    await mkdir(join(dir, 'ladder'));
    const master = join(dir, 'ladder', 'master.m3u8');
    const args = ['--ladder', '240,120', '--segment-seconds', '1', '--workers', '1'];
    const run = await runCli(['transcode', joined, '-o', master, ...args, '--data-dir', data()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('changes picture size mid-stream');
    expect(run.stdout).toMatch(/100 frames = source in each/);
    // The 240p rendition's frames, every 1/25 s: a filter graph rebuilt at the change restarted the
    // second part's timestamps (1.96 s again and again), which the frame count did not see.
    const rendition = join(dir, 'ladder', 'master-240p');
    const parts = (await readdir(rendition)).filter((f) => f.endsWith('.m4s')).sort();
    const files = [join(rendition, 'init.mp4'), ...parts.map((f) => join(rendition, f))];
    const whole = join(dir, 'rendition-240p.mp4');
    await writeFile(whole, Buffer.concat(await Promise.all(files.map((f) => readFile(f)))));
    const { stdout } = await runFfprobe([
      ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time,width,height'],
      ...['-of', 'csv=p=0', whole],
    ]);
    // A frame's side data ends its line with a comma and adds an empty one.
    const lines = stdout.toString().split('\n').filter(Boolean);
    const frames = lines.map((l) => l.split(','));
    expect(frames).toHaveLength(100);
    frames.forEach(([pts, width, height], i) => {
      expect(Number(pts) - Number(frames[0]![0]), `frame ${i}`).toBeCloseTo(i / 25, 3);
      expect(`${width}x${height}`).toBe('320x240');
    });
  }, 120_000);

  it('is refused by render and montage, naming the file, the sizes and the time', async () => {
    const spec = join(dir, 'render.json');
    const scenes = [{ duration: 3, background: { video: joined, in: 0.5 } }];
    await writeFile(spec, JSON.stringify({ width: 320, height: 240, fps: 25, scenes }));
    const render = await runCli(['render', spec, '-o', join(dir, 'r.mp4'), '--data-dir', data()]);
    expect(render.code).not.toBe(0);
    const sizes = `changes picture size mid-stream (320x240, then 160x120 from 2.400 s)`;
    expect(render.stderr).toContain(`background video \`${joined}\` ${sizes}`);
    expect(render.stderr).toContain('[UNSUPPORTED_MEDIA]');
    const music = (await makeMontageMusic(dir, 120, 6)).path;
    const montage = await runCli([
      ...['montage', '--clips', joined, '--music', music, '-o', join(dir, 'm.mp4'), '--duration', '4'],
      ...['--data-dir', data()],
    ]);
    expect(montage.code).not.toBe(0);
    expect(montage.stderr).toContain(`clip \`${joined}\` ${sizes}`);
    expect(montage.stderr).toContain('[UNSUPPORTED_MEDIA]');
  }, 120_000);

  it('leaves an ordinary TS as it was: no warning', async () => {
    const output = join(dir, 'plain.mp4');
    const run = await runCli(['transcode', plain, '-o', output, '--segments', '2', '--data-dir', data()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('picture size');
  }, 120_000);
});

/** The lowest per-frame PSNR of `output` against `source` scaled to 320x240, frame by frame. */
async function worstPsnr(output: string, source: string, stats: string): Promise<number> {
  await ffmpeg([
    ...['-i', output, '-reinit_filter', '0', '-i', source, '-filter_complex'],
    `[1:v]scale=320:240,setsar=1,setpts=PTS-STARTPTS[s];[0:v]setpts=PTS-STARTPTS[o];[o][s]psnr=stats_file=${stats}`,
    ...['-f', 'null', '-'],
  ]);
  const lines = (await readFile(stats, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(100);
  return Math.min(...lines.map((l) => Number(/psnr_avg:([\d.inf]+)/.exec(l)?.[1] ?? 0)));
}
