import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanContext } from '../../src/engine/types.js';
import { silentLogger } from '../../src/logger.js';
import { guardedInput, runFfmpeg } from '../../src/media/run.js';
import { planRender } from '../../src/pipelines/render/plan.js';
import { parseRenderSpec } from '../../src/pipelines/render/spec.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/**
 * A grayscale PNG of `side` x `side` black pixels: about 80 KB that decode to side² bytes or more
 * (its data cut to `rows` rows: a header is all a size check reads).
 */
function blackPng(side: number, rows = side): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale
  const data = Buffer.alloc((side + 1) * rows); // filter byte 0 and black pixels, every row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(data, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

// A 1 MB PNG of 16000 x 16000 pixels cost ffprobe 1 GB and 38 s when the render's plan checked it,
// and as much again in every render task per layer that showed it (200 layers a scene): pictures
// of user media are now decoded only up to 8192 x 8192 pixels (ffmpeg's -max_pixels).
describe('pictures larger than 8192 x 8192 are not decoded', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let bomb = '';
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-pixels-'));
    bomb = join(dir, 'bomb.png');
    await writeFile(bomb, blackPng(9000));
  });
  afterAll(() => cleanup());

  // 30000 x 30000 is more than ffmpeg takes at all ("Picture size ... is invalid"): it was
  // refused as "not an image", where the limit is what the user needs to hear.
  it.each([9000, 30000])(
    'a render refuses an image layer %i pixels square when planned (UNSUPPORTED_MEDIA)',
    async (side) => {
      const bomb = join(dir, `bomb-${side}.png`);
      await writeFile(bomb, side === 9000 ? blackPng(side) : blackPng(side, 1));
      const spec = parseRenderSpec({
        output: join(dir, 'o.mp4'),
        width: 160,
        height: 120,
        scenes: [{ duration: 1, layers: [{ type: 'image', path: bomb, x: 0, y: 0, width: 32, height: 32 }] }],
      });
      const context: PlanContext = {
        jobId: 'job',
        scratchPrefix: 'scratch/job/',
        storage: new FileStorage(join(dir, 'data')),
        signal: new AbortController().signal,
        log: silentLogger,
        capabilities: { encoders: ['libx264'], hwaccels: [], devices: ['cpu'], slots: 1 },
      };
      await expect(planRender(spec, context)).rejects.toThrow(
        expect.objectContaining({
          code: 'UNSUPPORTED_MEDIA',
          message: expect.stringContaining('has pictures over 67108864 pixels (8192 x 8192)'),
        }),
      );
    },
  );

  it('user media opened with guardedInput does not decode a 9000 x 9000 frame; a small one still decodes', async () => {
    const video = join(dir, 'big.mkv');
    await ffmpeg(['-i', bomb, '-c:v', 'copy', '-frames:v', '1', video]);
    const decode = (path: string) =>
      runFfmpeg([...guardedInput(path), '-f', 'null', '-'], { label: 'decode', timeoutMs: 60_000 });
    await expect(decode(video)).rejects.toThrow(
      expect.objectContaining({ ffmpegTail: expect.stringContaining('max pixel count') }),
    );
    const small = join(dir, 'small.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'color=s=320x240', '-frames:v', '1', '-c:v', 'ffv1', small]);
    await expect(decode(small)).resolves.toBeDefined();
  }, 60_000);
});
