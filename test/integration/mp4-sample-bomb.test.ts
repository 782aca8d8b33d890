import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp4EditCount } from '../../src/media/mp4-samples.js';
import { probe } from '../../src/media/probe.js';
import { ffmpeg, FAST_X264, tempDir } from '../helpers/media.js';

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
const box = (type: string, body: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};
const words = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
  return b;
};

/** Tables that claim 10 samples in 100,000 chunks, whose 20,000 chunk runs go back to chunk 1 each other time. */
function backAndForth(type: string): Buffer | undefined {
  if (type === 'stts') return words(0, 1, 10, 512);
  if (type === 'stsz') return words(0, 4, 10);
  if (type === 'stco') return words(0, 100_000, ...Array.from({ length: 100_000 }, () => 64));
  if (type !== 'stsc') return undefined;
  const runs = Array.from({ length: 20_000 }, (_, r) => [r % 2 ? 100_000 : 1, 0, 1]).flat();
  return words(0, 20_000, ...runs);
}

/** The boxes in `buf`, with the video tables rewritten to claim `samples` 1-byte samples (or as `tables` says). */
function rebuild(buf: Buffer, samples: number, tables?: (type: string) => Buffer | undefined): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= buf.length;) {
    const size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + size);
    const table = tables?.(type);
    if (CONTAINERS.has(type)) out.push(box(type, rebuild(body, samples, tables)));
    else if (table) out.push(box(type, table));
    else if (type === 'stts') out.push(box(type, words(0, 1, samples, 512)));
    else if (type === 'stsz') out.push(box(type, words(0, 1, samples)));
    else if (type === 'stsc') out.push(box(type, words(0, 1, 1, samples, 1)));
    else if (type === 'stco') out.push(box(type, words(0, 1, 64)));
    else if (!['stss', 'ctts', 'sdtp', 'edts'].includes(type)) out.push(buf.subarray(at, at + size));
    at += size;
  }
  return Buffer.concat(out);
}

// A sample table is a promise the file may not keep: ten million 1-byte samples claimed by a few
// hundred bytes of moov were expanded on the server's event loop (seconds, a GB or more), and a
// 10 MB file that holds them sent the packet scan through 10 million lines (90 s, 5 GB).
describe('an MP4 whose sample table claims more frames than its bytes hold', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: Buffer;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-mp4-bomb-'));
    const real = join(dir, 'real.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x64:r=10:d=0.2', ...FAST_X264, real]);
    source = await readFile(real);
  });
  afterAll(async () => cleanup());

  it.each([
    ['an empty mdat', 0],
    ['an mdat of one byte a sample', 10_000_000],
  ])('is refused at once, with %s', async (_, mdat) => {
    const parts = rebuild(source, 10_000_000);
    // Keep ftyp and moov; one mdat of `mdat` bytes after them.
    const kept: Buffer[] = [];
    for (let at = 0; at + 8 <= parts.length;) {
      const size = parts.readUInt32BE(at);
      if (parts.toString('latin1', at + 4, at + 8) !== 'mdat') kept.push(parts.subarray(at, at + size));
      at += size;
    }
    const path = join(dir, `bomb-${mdat}.mp4`);
    await writeFile(path, Buffer.concat([...kept, box('mdat', Buffer.alloc(mdat))]));
    const before = process.memoryUsage().rss;
    const started = Date.now();
    await expect(probe(path)).rejects.toThrow(/corrupt: its header lists 10000000 video frames in \d+ bytes/);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
  });

  // Chunk runs that start at chunk 1 again and again: one walk of every chunk per run (10 s of the
  // event loop from an 843 KB file).
  it('is answered at once when its chunk runs go back and forth', async () => {
    const path = join(dir, 'runs.mp4');
    await writeFile(path, rebuild(source, 10, backAndForth));
    const started = Date.now();
    await probe(path).catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  // 500,000 edits repeating the media made ffmpeg's demuxer index 45 million frames (5 GB).
  it('is refused before any ffprobe when its edit list repeats the media thousands of times', async () => {
    const elst = Buffer.alloc(8 + 12 * 100_000);
    elst.writeUInt32BE(100_000, 4);
    for (let i = 0; i < 100_000; i++) {
      elst.writeUInt32BE(512, 8 + 12 * i);
      elst.writeUInt32BE(0x10000, 16 + 12 * i);
    }
    const path = join(dir, 'edits.mp4');
    await writeFile(
      path,
      rebuild(source, 2, (type) => (type === 'edts' ? box('elst', elst) : undefined)),
    );
    expect(await mp4EditCount(path)).toBe(100_000);
    const started = Date.now();
    await expect(probe(path)).rejects.toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MEDIA',
        message: expect.stringContaining('an edit list of 100000 entries'),
      }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
