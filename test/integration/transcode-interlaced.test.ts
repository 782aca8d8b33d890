import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfprobe } from '../../src/media/run.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const run = (command: string, args: string[]) =>
  promisify(execFile)(command, ['-nostdin', ...args], { maxBuffer: 1 << 24, timeout: 60_000 });

async function fieldOrder(path: string): Promise<string | undefined> {
  const { stdout } = await runFfprobe(
    ['-select_streams', 'v:0', '-show_entries', 'stream=field_order,nb_frames', '-of', 'json', path],
    { timeoutMs: 30_000 },
  );
  return (JSON.parse(stdout.toString()) as { streams: { field_order?: string }[] }).streams[0]?.field_order;
}

/** idet's multi-frame counts over the whole file: how many frames look progressive or interlaced. */
async function idet(path: string): Promise<{ progressive: number; interlaced: number }> {
  const { stderr } = await run('ffmpeg', ['-i', path, '-vf', 'idet', '-an', '-f', 'null', '-']);
  return idetSummary(stderr);
}

/** The last idet summary in ffmpeg's log (a graph with two inputs is configured once before the run). */
function idetSummary(stderr: string): { progressive: number; interlaced: number } {
  const line = [
    ...stderr.matchAll(/Multi frame detection: TFF:\s*(\d+) BFF:\s*(\d+) Progressive:\s*(\d+)/g),
  ].at(-1);
  if (!line) throw new Error(`no idet summary in ${stderr}`);
  return { interlaced: Number(line[1]) + Number(line[2]), progressive: Number(line[3]) };
}

/**
 * `idet` over `path`, and the PSNR (dB, luma and chroma) of each of its frames against the same frame
 * of `reference`: one decode of `path` for both (idet passes its frames on to psnr unchanged).
 */
async function idetAndPsnr(
  path: string,
  reference: string,
): Promise<{ seen: { progressive: number; interlaced: number }; psnr: number[] }> {
  const { stdout, stderr } = await run('ffmpeg', [
    ...['-i', path, '-i', reference],
    ...['-lavfi', '[0:v]idet[v];[v][1:v]psnr=stats_file=-', '-an', '-f', 'null', '-'],
  ]);
  const psnr = [...stdout.matchAll(/psnr_avg:(\S+)/g)].map((m) => (m[1] === 'inf' ? 99 : Number(m[1])));
  return { seen: idetSummary(stderr), psnr };
}

// An interlaced source (fields 1/50 s apart, coded as interlaced H.264, field order tt) used to be
// encoded with its fields woven into frames flagged progressive: combed wherever anything moved.
describe('transcode deinterlaces an interlaced source', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    // 50 progressive frames a second, woven two by two into 25 interlaced frames (top field first).
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=d=2:s=320x240:r=50',
      '-vf',
      'tinterlace=interleave_top,fieldorder=tff',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-flags',
      '+ilme+ildct',
      '-top',
      '1',
      '-g',
      '25',
      '-pix_fmt',
      'yuv420p',
      '-y',
      path('src.mp4'),
    ]);
    // What every frame should be: the whole source deinterlaced in one run, losslessly.
    await ffmpeg([
      '-i',
      path('src.mp4'),
      '-vf',
      'bwdif=mode=send_frame:parity=auto:deint=interlaced',
      '-c:v',
      'ffv1',
      '-y',
      path('reference.mkv'),
    ]);
  });
  afterAll(() => cleanup());

  const transcode = (output: string, ...extra: string[]) =>
    runCli(
      ['transcode', path('src.mp4'), '-o', path(output), '--data-dir', path('d'), ...extra],
      {},
      180_000,
    );

  it('the source is interlaced, tt, and combed', async () => {
    expect(await fieldOrder(path('src.mp4'))).toBe('tt');
    const seen = await idet(path('src.mp4'));
    expect(seen.interlaced).toBeGreaterThan(seen.progressive * 4);
  });

  it.each(['1', '3'])(
    '%s segment(s): progressive, not combed, every frame the deinterlaced source',
    async (n) => {
      const output = `out-${n}.mp4`;
      const result = await transcode(output, '--segments', n, '--quality', '100', '-v');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/is interlaced \(field order tt\): bwdif=mode=send_frame/);
      expect(result.stdout).toMatch(/verified: 50 frames = source/);
      expect(await fieldOrder(path(output))).toBe('progressive');
      const { seen, psnr } = await idetAndPsnr(path(output), path('reference.mkv'));
      expect(seen.progressive).toBeGreaterThan(seen.interlaced * 4);
      // The frames at and around each seam (a third and two thirds in) are as close to the one-run
      // deinterlace as the rest: a segment's first frame deinterlaced without its predecessor was 36 dB.
      expect(psnr).toHaveLength(50);
      expect(Math.min(...psnr)).toBeGreaterThan(45);
    },
  );

  it('a ladder deinterlaces its chunks too', async () => {
    await mkdir(path('ladder'));
    const result = await transcode('ladder/master.m3u8', '--ladder', '240,120', '--segment-seconds', '1');
    expect(result.code, result.stderr).toBe(0);
    for (const rung of ['240p', '120p']) {
      const seen = await idet(path(`ladder/master-${rung}/index.m3u8`));
      expect(seen.progressive, rung).toBeGreaterThan(seen.interlaced * 4);
    }
  });

  it('--deinterlace off keeps the fields woven, and says so', async () => {
    const result = await transcode('woven.mp4', '--deinterlace', 'off', '--segments', '2');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: .*is interlaced \(field order tt\) and --deinterlace off/);
    const seen = await idet(path('woven.mp4'));
    expect(seen.interlaced).toBeGreaterThan(seen.progressive);
  });
});
