import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfprobe } from '../../src/media/run.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, sampleClip } from '../helpers/media.js';

/** The top-level boxes of an ISO media file, in file order. */
async function topLevelBoxes(path: string): Promise<string[]> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const boxes: string[] = [];
    const header = Buffer.alloc(16);
    for (let at = 0; at + 8 <= size;) {
      await file.read(header, 0, 16, at);
      let length = header.readUInt32BE(0);
      if (length === 1) length = Number(header.readBigUInt64BE(8));
      if (length === 0) length = size - at;
      boxes.push(header.toString('latin1', 4, 8));
      at += length;
    }
    return boxes;
  } finally {
    await file.close();
  }
}

async function videoTag(path: string): Promise<string> {
  const { stdout } = await runFfprobe(
    ['-select_streams', 'v:0', '-show_entries', 'stream=codec_tag_string', '-of', 'csv=p=0', path],
    { timeoutMs: 30_000 },
  );
  return stdout.toString().trim();
}

// Outputs that play everywhere: HEVC tagged hvc1, MP4/MOV with the index first unless asked otherwise.
describe('transcode writes web-ready files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clip: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    clip = join(dir, 'clip.mp4');
    await sampleClip({ path: clip, width: 160, height: 90, fps: 25, scenes: [1, 1] });
  });
  afterAll(() => cleanup());

  const transcode = (output: string, ...extra: string[]) =>
    runCli(
      [
        'transcode',
        clip,
        '-o',
        output,
        '--segments',
        '2',
        '--preset',
        'fast',
        '--data-dir',
        join(dir, 'd'),
        ...extra,
      ],
      {},
      180_000,
    );

  it('HEVC in .mp4 is tagged hvc1 with the index before the media', async () => {
    const output = join(dir, 'hevc.mp4');
    const result = await transcode(output, '--codec', 'hevc');
    expect(result.code, result.stderr).toBe(0);
    expect(await videoTag(output)).toBe('hvc1');
    const boxes = await topLevelBoxes(output);
    expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  });

  it('HEVC in .mov is tagged hvc1 too; --no-faststart leaves the index at the end', async () => {
    const output = join(dir, 'late-index.mov');
    const result = await transcode(output, '--codec', 'hevc', '--no-faststart');
    expect(result.code, result.stderr).toBe(0);
    expect(await videoTag(output)).toBe('hvc1');
    const boxes = await topLevelBoxes(output);
    expect(boxes.indexOf('moov')).toBeGreaterThan(boxes.indexOf('mdat'));
  });
});
