import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleClip } from '../../src/media/generate.js';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// Per-segment processors through the real CLI: the shipped example processors (ffmpeg's nlmeans,
// frame-local; atadenoise over 9 frames, temporal) against running them once over the whole file.
const EXAMPLE = 'examples/processors/framefleet.yaml';
const TEMPORAL = 'atadenoise=s=9:0a=0.3:0b=5:1a=0.3:1b=5:2a=0.3:2b=5';
const X264 = ['-c:v', 'libx264', '-preset', 'medium', '-pix_fmt', 'yuv420p'];

// Processors that misbehave, added to the example config for the failure cases.
const BROKEN = `
  atadenoise-nocontext:
    command: ['{ffmpeg}', -nostdin, -v, error, -framerate, '{fps}', -i, '{frames_in}/%06d.png', -vf, 'atadenoise=s=9:0a=0.3:0b=5:1a=0.3:1b=5:2a=0.3:2b=5', '{frames_out}/%06d.png']
    io: frames
  one-short:
    command: ['{ffmpeg}', -nostdin, -v, error, -i, '{input}', -vf, trim=start_frame=1, -c:v, ffv1, -y, '{output}']
  needs-gpu:
    command: ['{ffmpeg}', -i, '{input}', '{output}']
    requires: { device: nvidia, minVramMb: 1000000 }
  crashes:
    command: ['{ffmpeg}', -nostdin, -v, error, -i, '{input}', -vf, no_such_filter, -y, '{output}']
`;

describe('transcode --process (real processors, real ffmpeg)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  let config: string;
  let frames: number;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-process-'));
    source = join(dir, 'source.mp4');
    // Grain so that a denoiser has work to do and a missing neighbour frame shows.
    const clip = await generateSampleClip({
      path: source,
      width: 192,
      height: 144,
      fps: 15,
      scenes: [2, 2],
      grain: 12,
    });
    frames = clip.frames;
    config = join(dir, 'framefleet.yaml');
    await writeFile(config, (await readFile(EXAMPLE, 'utf8')) + BROKEN);
  });
  afterAll(() => cleanup());

  const transcode = (name: string, args: string[]) =>
    runCli(
      [
        'transcode',
        source,
        '-o',
        join(dir, `${name}.mp4`),
        '--json',
        '--data-dir',
        join(dir, 'data'),
        ...args,
      ],
      { FRAMEFLEET_CONFIG: config },
      240_000,
    );

  /** The hand-made way: the processor once over the whole file, then one encode. */
  async function onePass(name: string, filter: string, crf: number): Promise<string> {
    const out = join(dir, `${name}-ref.mp4`);
    await ffmpeg([
      '-i',
      source,
      '-vf',
      filter,
      ...X264,
      '-crf',
      String(crf),
      '-x264-params',
      'keyint=50:open_gop=0',
      out,
    ]);
    return out;
  }

  /**
   * The same by hand for a PNG processor: the frames as RGB (what PNGs hold, losslessly), the
   * processor over all of them, then one encode at the PNGs' 25 fps. One ffmpeg run: its encode is
   * bit for bit the one of frames written out as PNGs, processed and read back in three runs.
   */
  async function onePassFrames(name: string, filter: string, crf: number): Promise<string> {
    const out = join(dir, `${name}-ref.mp4`);
    await ffmpeg([
      '-i',
      source,
      '-an',
      '-vf',
      `format=rgb24,${filter},format=rgb24,settb=1/25,setpts=N`,
      '-r',
      '25',
      ...X264,
      '-crf',
      String(crf),
      '-x264-params',
      'keyint=50:open_gop=0',
      out,
    ]);
    return out;
  }

  it('frame-local nlmeans: same frame count as the source, every frame >= 40 dB against one pass', async () => {
    const result = await transcode('nlmeans', ['--segments', '3', '--quality', '85', '--process', 'nlmeans']);
    expect(result.code, result.stderr).toBe(0);
    const out = join(dir, 'nlmeans.mp4');
    const info = await probe(out);
    expect(info.video!.frameCount).toBe(frames);
    expect(info.audio).toBeDefined();
    // Quality 85 is x264 CRF 17, as the reference.
    const ref = await onePass('nlmeans', 'nlmeans=s=3:p=3:r=7', 17);
    const psnr = await psnrByIndex(out, ref);
    expect(psnr.perFrame.length).toBe(frames);
    expect(psnr.min).toBeGreaterThanOrEqual(40);
  }, 240_000);

  it('temporal atadenoise: with its declared context no seam frame differs beyond encoder noise; without, seams break', async () => {
    const ref = await onePassFrames('ata', TEMPORAL, 11);
    const run = async (name: string) => {
      const result = await transcode(name, ['--segments', '3', '--quality', '100', '--process', name]);
      expect(result.code, result.stderr).toBe(0);
      const { jobId } = JSON.parse(result.stdout.trim().split('\n').pop()!) as { jobId: string };
      // The job's record (what `jobs show --json` prints), read from its manifest.
      const manifest = join(dir, 'data', 'jobs', jobId, 'manifest.json');
      const { job: record } = JSON.parse(await readFile(manifest, 'utf8')) as {
        job: { tasks: { id: string; kind: string; output: { frames: number } }[] };
      };
      // Where segments start, from the job's own plan (boundaries may move onto keyframes).
      const lengths = record.tasks
        .filter((t) => t.kind === 'transcode.segment')
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((t) => t.output.frames);
      const seams = lengths.slice(0, -1).map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0));
      return { psnr: await psnrByIndex(join(dir, `${name}.mp4`), ref), seams };
    };
    const withContext = await run('atadenoise');
    const without = await run('atadenoise-nocontext');
    expect(withContext.seams.length).toBe(2);
    const seams = withContext.seams;
    const near = (f: number) => seams.some((s) => f >= s - 4 && f < s + 4);
    const interior = withContext.psnr.perFrame.filter((_, f) => !near(f) && f >= 4 && f < frames - 4);
    const noise = Math.min(...interior);
    const seamFrames = (p: number[]) => p.filter((_, f) => near(f));
    expect(noise).toBeGreaterThan(40);
    expect(Math.min(...seamFrames(withContext.psnr.perFrame))).toBeGreaterThanOrEqual(noise - 1);
    // The control: the same processor declared without context differs at the seams.
    expect(without.seams).toEqual(seams);
    expect(Math.min(...seamFrames(without.psnr.perFrame))).toBeLessThan(noise - 3);
  }, 300_000);

  it('a processor returning one frame too few fails the job for good, naming segment, expected and actual', async () => {
    const result = await transcode('short', ['--segments', '2', '--process', 'one-short']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /processor one-short returned \d+ frames for segment \d \(frames \d+-\d+\), expected \d+/,
    );
    const [, got, expected] = /returned (\d+) frames .* expected (\d+)/.exec(result.stderr)!;
    expect(Number(got)).toBe(Number(expected) - 1);
    const jobs = await readdir(join(dir, 'data', 'jobs'));
    const id = jobs.find((j) => result.stderr.includes(j) || result.stdout.includes(j))!;
    const shown = JSON.parse(
      (await runCli(['jobs', 'show', id, '--json', '--data-dir', join(dir, 'data')])).stdout,
    ) as {
      failures: { code: string; fatal: boolean; willRetry: boolean; attempt: number }[];
    };
    expect(shown.failures[0]).toMatchObject({
      code: 'PROCESSOR_OUTPUT',
      fatal: true,
      willRetry: false,
      attempt: 1,
    });
    expect(await readdir(dir)).not.toContain('short.mp4');
  });

  it('a processor that crashes is retried, with its stderr tail on record', async () => {
    const result = await transcode('crash', ['--segments', '1', '--process', 'crashes']);
    expect(result.code).toBe(1);
    const id = (await readdir(join(dir, 'data', 'jobs'))).find(
      (j) => result.stdout.includes(j) || result.stderr.includes(j),
    )!;
    const shown = JSON.parse(
      (await runCli(['jobs', 'show', id, '--json', '--data-dir', join(dir, 'data')])).stdout,
    ) as {
      failures: { code: string; fatal: boolean; willRetry: boolean; ffmpegTail?: string }[];
    };
    expect(shown.failures.length).toBe(3);
    expect(shown.failures[0]).toMatchObject({ code: 'PROCESSOR_FAILED', fatal: false, willRetry: true });
    expect(shown.failures[0]!.ffmpegTail).toContain('no_such_filter');
  });

  it('an unknown processor is a usage error before any job exists', async () => {
    const before = await readdir(join(dir, 'data', 'jobs')).catch(() => []);
    const result = await transcode('ghost', ['--process', 'nlmeans,ghost']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown processor `ghost`; configured: .*nlmeans/);
    expect(result.stderr).toContain('[UNKNOWN_PROCESSOR]');
    expect(await readdir(join(dir, 'data', 'jobs')).catch(() => [])).toEqual(before);
    // A configured processor this machine cannot run: refused too, instead of waiting forever.
    const gpu = await transcode('gpu', ['--process', 'needs-gpu']);
    expect(gpu.code).toBe(2);
    expect(gpu.stderr).toContain(
      'processor `needs-gpu` needs an nvidia GPU with >= 1000000 MB VRAM, which this machine lacks',
    );
    expect(await readdir(join(dir, 'data', 'jobs')).catch(() => [])).toEqual(before);
  });
});
