import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FramefleetError } from '../../src/errors.js';
import { ERROR_CODES, toFramefleetError } from '../../src/errors.js';
import { runFfmpeg } from '../../src/media/run.js';
import { failedWritePath } from '../../src/media/write-failure.js';
import { verifyOutput } from '../../src/media/verify.js';
import { publishOrder } from '../../src/pipelines/transcode/publish-tree.js';
import { tempDir } from '../helpers/media.js';

describe('a full disk is one error, NO_SPACE, that is not retried', () => {
  it('is 507 and fatal in the catalogue', () => {
    expect(ERROR_CODES.NO_SPACE).toEqual({ status: 507, fatal: true });
  });

  it("turns Node's ENOSPC of a copy into NO_SPACE naming where it wrote, not the temporary name's source", () => {
    const raw = Object.assign(new Error("ENOSPC: no space left on device, copyfile 'a' -> 'b'"), {
      code: 'ENOSPC',
      path: '/scratch/seg-00000.m4s',
      dest: '/no/such/folder/out.part',
    });
    const error = toFramefleetError(raw);
    expect(error.code).toBe('NO_SPACE');
    expect(error.fatal).toBe(true);
    expect(error.message).toMatch(
      /^no space left on device writing `\/no\/such\/folder\/out.part` \(.+ free of .+\)$/,
    );
  });

  it('says a spent quota as such', () => {
    const raw = Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT', path: '/' });
    const error = toFramefleetError(raw);
    expect(error.code).toBe('NO_SPACE');
    expect(error.message).toMatch(/^disk quota exceeded writing `\/` \(\S+ \S*B free of \S+ \S*B\)$/);
  });

  it.each([
    ['Error writing trailer of /out/x.mp4: No space left on device', ['-y', 'o.mp4'], '/out/x.mp4'],
    ['Error closing file /out/y.mov: Disk quota exceeded', ['o.mov'], '/out/y.mov'],
    ['/out/seg.ts: No space left on device', ['pipe:1'], '/out/seg.ts'],
    ['av_interleaved_write_frame(): No space left on device', ['-f', 'mp4', '/out/z.mp4'], '/out/z.mp4'],
    ['av_interleaved_write_frame(): No space left on device', ['-f', 'null', '-'], undefined],
  ])('finds the file of %s', (stderr, args, path) => {
    expect(failedWritePath(stderr, args)).toBe(path);
  });

  it('publishes every rendition playlist after all media', () => {
    const files = ['a/index.m3u8', 'a/init.mp4', 'a/seg-00000.m4s', 'b/index.m3u8', 'b/init.mp4'].map(
      (f) => ({ dir: f.split('/')[0]!, name: f.split('/')[1]! }),
    );
    expect(publishOrder(files).map((f) => `${f.dir}/${f.name}`)).toEqual([
      'a/init.mp4',
      'a/seg-00000.m4s',
      'b/init.mp4',
      'a/index.m3u8',
      'b/index.m3u8',
    ]);
  });
});

// ffmpeg 5.1 exits 0 when only the trailer failed: the moov of an MP4 is lost, the file unreadable.
describe('runFfmpeg fails a run whose output was not written, whatever its exit code', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const fake = (name: string, stderr: string, code: number) => {
    const path = join(dir, name);
    return writeFile(path, `#!/bin/sh\nprintf '%s\\n' '${stderr}' >&2\nexit ${code}\n`).then(() =>
      chmod(path, 0o755).then(() => path),
    );
  };
  const failure = (bin: string) =>
    runFfmpeg(['-i', 'in.mp4', join(dir, 'out.mp4')], { env: { ...process.env, FFMPEG_PATH: bin } }).then(
      () => undefined,
      (error: unknown) => error as FramefleetError,
    );

  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it('a full disk at the trailer, exit 0: NO_SPACE naming the file and the space left', async () => {
    const bin = await fake(
      'ffmpeg-full',
      `Error writing trailer of ${dir}/out.mp4: No space left on device`,
      0,
    );
    const error = await failure(bin);
    expect(error?.code).toBe('NO_SPACE');
    expect(error?.fatal).toBe(true);
    expect(error?.message).toMatch(
      new RegExp(`^no space left on device writing \`${dir}/out.mp4\` \\(.* free of .*\\)$`),
    );
  });

  it('a full disk mid-run, exit 1: NO_SPACE too, not a retried FFMPEG_FAILED', async () => {
    const bin = await fake('ffmpeg-full-1', 'av_interleaved_write_frame(): No space left on device', 1);
    const error = await failure(bin);
    expect(error?.code).toBe('NO_SPACE');
    expect(error?.message).toContain(`writing \`${dir}/out.mp4\``);
  });

  it('another trailer failure at exit 0 is FFMPEG_FAILED with its line', async () => {
    const bin = await fake('ffmpeg-eio', `Error writing trailer of ${dir}/out.mp4: Input/output error`, 0);
    const error = await failure(bin);
    expect(error?.code).toBe('FFMPEG_FAILED');
    expect(error?.message).toContain('(exit code 0): Error writing trailer of');
  });
});

// A trailer lost to any write failure leaves an MP4 without its moov: the probe that reads it back
// named it an input, "truncated or corrupt" (INPUT_CORRUPT, fatal, exit 2).
describe('an output that cannot be read back', () => {
  it('is VERIFY_FAILED naming the output, not a corrupt input', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = join(dir, 'lost-moov.mp4');
      const box = (type: string, body: Buffer) => {
        const head = Buffer.alloc(8);
        head.writeUInt32BE(8 + body.length, 0);
        head.write(type, 4, 'latin1');
        return Buffer.concat([head, body]);
      };
      // An MP4 as a full disk leaves it: its media, then no moov (the trailer that was not written).
      const boxes = [
        box('ftyp', Buffer.from('isom\0\0\0\0isomiso2', 'latin1')),
        box('mdat', Buffer.alloc(4096, 7)),
      ];
      await writeFile(path, Buffer.concat(boxes));
      const error = await verifyOutput(path, {
        frames: 10,
        sourceAvGapSec: undefined,
        audioFrameSec: 0.02,
      }).then(
        () => undefined,
        (e: unknown) => e as FramefleetError,
      );
      expect(error?.code).toBe('VERIFY_FAILED');
      expect(error?.message).toMatch(new RegExp(`^output \`${path}\` cannot be read back: `));
    } finally {
      await cleanup();
    }
  });
});
