import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfprobe } from '../../src/media/run.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

async function videoStream(path: string): Promise<Record<string, string>> {
  const { stdout } = await runFfprobe(
    [
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=profile,pix_fmt,color_transfer,color_primaries',
      '-of',
      'json',
      path,
    ],
    { timeoutMs: 30_000 },
  );
  return (JSON.parse(stdout.toString()) as { streams: Record<string, string>[] }).streams[0]!;
}

// A CPU transcode used to keep the source's pixel format: 10-bit or 4:2:2 in gave H.264 High 10 or
// High 4:2:2 out, which browsers and iOS do not play. Now 4:2:0 by default, 8-bit for H.264.
describe('transcode writes pixel formats players decode', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const source = (name: string) => join(dir, `src-${name}.mp4`);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const clip = (pixFmt: string, name: string, ...tags: string[]) =>
      ffmpeg([
        '-f',
        'lavfi',
        '-i',
        'testsrc2=d=2:s=160x120:r=25',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        pixFmt,
        ...tags,
        '-y',
        source(name),
      ]);
    await clip('yuv420p10le', 'ten');
    await clip('yuv422p', 'four22');
    await clip('yuvj420p', 'full');
    await clip(
      'yuv420p10le',
      'hdr',
      '-color_primaries',
      'bt2020',
      '-color_trc',
      'smpte2084',
      '-colorspace',
      'bt2020nc',
    );
  });
  afterAll(() => cleanup());

  const transcode = (input: string, output: string, ...extra: string[]) =>
    runCli(
      [
        'transcode',
        source(input),
        '-o',
        join(dir, output),
        '--preset',
        'fast',
        '--data-dir',
        join(dir, 'd'),
        ...extra,
      ],
      {},
      180_000,
    );

  it.each([
    ['ten', '1'],
    ['ten', '3'],
    ['four22', '1'],
    ['four22', '3'],
  ])('H.264 from %s, %s segment(s), is 8-bit 4:2:0 High profile', async (input, segments) => {
    const output = `${input}-${segments}.mp4`;
    const result = await transcode(input, output, '--segments', segments);
    expect(result.code, result.stderr).toBe(0);
    expect(await videoStream(join(dir, output))).toMatchObject({ profile: 'High', pix_fmt: 'yuv420p' });
  });

  it('--pixel-format source keeps a 10-bit source 10-bit, in every segment', async () => {
    const result = await transcode('ten', 'keep.mp4', '--segments', '2', '--pixel-format', 'source');
    expect(result.code, result.stderr).toBe(0);
    expect(await videoStream(join(dir, 'keep.mp4'))).toMatchObject({
      profile: 'High 10',
      pix_fmt: 'yuv420p10le',
    });
  });

  it('--pixel-format yuv420p10le asks for 10-bit H.264 from an 8-bit source', async () => {
    const result = await transcode('four22', 'ask10.mp4', '--pixel-format', 'yuv420p10le');
    expect(result.code, result.stderr).toBe(0);
    expect(await videoStream(join(dir, 'ask10.mp4'))).toMatchObject({ pix_fmt: 'yuv420p10le' });
  });

  it('a full-range source stays full range (yuvj420p), as before', async () => {
    const result = await transcode('full', 'full.mp4');
    expect(result.code, result.stderr).toBe(0);
    expect(await videoStream(join(dir, 'full.mp4'))).toMatchObject({ profile: 'High', pix_fmt: 'yuvj420p' });
  });

  it('HEVC keeps 10 bits (Main 10) and takes 4:2:2 to 4:2:0 (Main)', async () => {
    const ten = await transcode('ten', 'ten.hevc.mp4', '--codec', 'hevc', '--segments', '2');
    expect(ten.code, ten.stderr).toBe(0);
    expect(await videoStream(join(dir, 'ten.hevc.mp4'))).toMatchObject({
      profile: 'Main 10',
      pix_fmt: 'yuv420p10le',
    });
    const four22 = await transcode('four22', 'four22.hevc.mp4', '--codec', 'hevc');
    expect(four22.code, four22.stderr).toBe(0);
    expect(await videoStream(join(dir, 'four22.hevc.mp4'))).toMatchObject({
      profile: 'Main',
      pix_fmt: 'yuv420p',
    });
  });

  it('an HDR source made 8-bit is warned about, naming the transfer, and keeps its colour tags', async () => {
    const result = await transcode('hdr', 'hdr.mp4');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /warning: .*is HDR \(transfer smpte2084\).*8-bit yuv420p without tone mapping/,
    );
    expect(await videoStream(join(dir, 'hdr.mp4'))).toMatchObject({
      pix_fmt: 'yuv420p',
      color_transfer: 'smpte2084',
      color_primaries: 'bt2020',
    });
    const hevc = await transcode('hdr', 'hdr.hevc.mp4', '--codec', 'hevc');
    expect(hevc.code, hevc.stderr).toBe(0);
    expect(hevc.stderr).not.toMatch(/is HDR/);
  });

  it('a format the encoder cannot take is refused before any work', async () => {
    const result = await transcode('ten', 'av1.mp4', '--codec', 'av1', '--pixel-format', 'yuv444p');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /--pixel-format `yuv444p`: libsvtav1 cannot encode yuv444p \[INVALID_ARGUMENT\]/,
    );
  });
});
