import { createHash } from 'node:crypto';
import { readdir, readFile, truncate, copyFile, writeFile, mkdir, link, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir, sampleClip } from '../helpers/media.js';

// Every bad input: one line naming the problem and the value, a non-zero exit, nothing at OUT.
describe('transcode refuses bad input', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let good: string;
  let goodHash: string;
  const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  const out = () => join(dir, 'out', 'result.mp4');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'out'));
    good = join(dir, 'good.mp4');
    await sampleClip({ path: good, width: 160, height: 90, scenes: [1, 1] });
    goodHash = sha(await readFile(good));
    await writeFile(join(dir, 'notes.txt'), 'this is not a video\n'.repeat(50));
    // Bytes named .mp4: ffmpeg reads them as MP4 and misses "the moov atom", yet nothing is truncated.
    await writeFile(
      join(dir, 'noise.mp4'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97 + 13) % 251)),
    );
    // A chunk table claiming two billion entries in a few bytes: a header ffmpeg refuses, whichever
    // reader (the in-process moov reader or ffprobe) looks at it first.
    const claims = await readFile(good);
    claims.writeUInt32BE(0x7fffffff, claims.indexOf('stco', 0, 'latin1') + 8);
    await writeFile(join(dir, 'claims.mp4'), claims);
    await copyFile(good, join(dir, 'truncated.mp4'));
    await truncate(join(dir, 'truncated.mp4'), 6000);
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', join(dir, 'audio-only.m4a')]);
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=160x90:d=1', '-frames:v', '0', join(dir, 'zero.mp4')]);
    await writeFile(join(dir, 'empty.mp4'), '');
    await writeFile(join(dir, 'kept.mp4'), 'not to be replaced');
    await link(good, join(dir, 'hard-link.mp4'));
    await symlink(good, join(dir, 'sym-link.mp4'));
    // An SPS of garbage: the headers probe, but not one frame decodes.
    const garbage = await readFile(good);
    garbage.fill(0xff, garbage.indexOf('avcC', 0, 'latin1') + 16, garbage.indexOf('avcC', 0, 'latin1') + 24);
    await writeFile(join(dir, 'garbage-sps.mp4'), garbage);
    // Garbage over a third of the frames' data: ffmpeg skips what it cannot decode and writes fewer frames.
    const gops = await readFile(good);
    const mdat = gops.indexOf('mdat', 0, 'latin1');
    const third = Math.floor((gops.length - mdat) / 3);
    for (let i = mdat + third; i < mdat + 2 * third; i++) gops[i] = (i * 7919) % 251;
    await writeFile(join(dir, 'garbage-gops.mp4'), gops);
    // A playlist posing as a video must not make ffmpeg open the files it names.
    await writeFile(join(dir, 'playlist.mp4'), `ffconcat version 1.0\nfile '${good}'\n`);
  });
  afterAll(() => cleanup());

  const cases: { name: string; args: () => string[]; code: RegExp; mentions: () => string; exit: number }[] =
    [
      {
        name: 'missing file',
        args: () => [join(dir, 'nope.mp4')],
        code: /INPUT_NOT_FOUND/,
        mentions: () => 'nope.mp4',
        exit: 2,
      },
      { name: 'directory', args: () => [dir], code: /INPUT_NOT_A_FILE/, mentions: () => dir, exit: 2 },
      // An unset shell variable: not the current folder (was "input `<cwd>` is a directory").
      {
        name: 'empty input path',
        args: () => [''],
        code: /INVALID_ARGUMENT/,
        mentions: () => 'input is empty',
        exit: 2,
      },
      {
        name: 'empty output path',
        args: () => [good, '-o', ' '],
        code: /INVALID_ARGUMENT/,
        mentions: () => '--output is empty',
        exit: 2,
      },
      {
        name: 'non-media file',
        args: () => [join(dir, 'notes.txt')],
        code: /INPUT_NOT_MEDIA/,
        mentions: () => 'notes.txt',
        exit: 2,
      },
      {
        name: 'bytes named .mp4',
        args: () => [join(dir, 'noise.mp4')],
        code: /INPUT_NOT_MEDIA/,
        mentions: () => 'noise.mp4',
        exit: 2,
      },
      {
        name: 'playlist posing as media',
        args: () => [join(dir, 'playlist.mp4')],
        code: /INPUT_NOT_MEDIA/,
        mentions: () => 'playlist.mp4',
        exit: 2,
      },
      {
        name: 'empty file',
        args: () => [join(dir, 'empty.mp4')],
        code: /INPUT_NOT_MEDIA/,
        mentions: () => 'empty.mp4',
        exit: 2,
      },
      {
        name: 'truncated file',
        args: () => [join(dir, 'truncated.mp4')],
        code: /INPUT_CORRUPT/,
        mentions: () => 'truncated.mp4',
        exit: 2,
      },
      {
        name: 'sample table claiming more than it holds',
        args: () => [join(dir, 'claims.mp4')],
        code: /INPUT_CORRUPT/,
        mentions: () => 'claims.mp4',
        exit: 2,
      },
      {
        name: 'no video stream',
        args: () => [join(dir, 'audio-only.m4a')],
        code: /NO_VIDEO_STREAM/,
        mentions: () => 'audio-only.m4a',
        exit: 2,
      },
      {
        name: 'zero-length video',
        args: () => [join(dir, 'zero.mp4')],
        code: /EMPTY_VIDEO|NO_VIDEO_STREAM/,
        mentions: () => 'zero.mp4',
        exit: 2,
      },
      {
        name: 'unknown encoder',
        args: () => [good, '--encoder', 'x999'],
        code: /UNKNOWN_ENCODER/,
        mentions: () => '`x999`',
        exit: 2,
      },
      {
        name: 'encoder not usable here',
        args: () => [good, '--encoder', 'h264_nvenc'],
        code: /ENCODER_UNAVAILABLE/,
        mentions: () => '`h264_nvenc`',
        exit: 2,
      },
      {
        name: 'encoder family not usable here names the CPU encoders that are',
        args: () => [good, '--encoder', 'nvenc'],
        code: /usable here: libx264 \(h264, cpu\), libx265 \(hevc, cpu\).*\[ENCODER_UNAVAILABLE\]/,
        mentions: () => '--encoder auto',
        exit: 2,
      },
      {
        name: 'unsupported output extension',
        args: () => [good, '-o', join(dir, 'out', 'x.avi')],
        code: /INVALID_SPEC/,
        mentions: () => 'x.avi',
        exit: 2,
      },
      {
        name: 'unwritable output',
        args: () => [good, '-o', join(dir, 'notes.txt', 'x.mp4')],
        code: /OUTPUT_UNWRITABLE/,
        mentions: () => 'notes.txt',
        exit: 2,
      },
      {
        name: 'missing output directory',
        args: () => [good, '-o', join(dir, 'out', 'nope', 'x.mp4')],
        code: /directory .*nope.* does not exist \[OUTPUT_UNWRITABLE\]/,
        mentions: () => 'x.mp4',
        exit: 2,
      },
      {
        name: 'output that exists (no -y)',
        args: () => [good, '-o', join(dir, 'kept.mp4')],
        code: /give -y\/--overwrite to replace it \[OUTPUT_EXISTS\]/,
        mentions: () => 'kept.mp4',
        exit: 2,
      },
      {
        name: 'output hard-linked to the input, even with -y',
        args: () => [good, '-o', join(dir, 'hard-link.mp4'), '-y'],
        code: /the same file by another name.*\[OUTPUT_IS_INPUT\]/,
        mentions: () => 'hard-link.mp4',
        exit: 2,
      },
      {
        name: 'output symlinked to the input, even with -y',
        args: () => [good, '-o', join(dir, 'sym-link.mp4'), '-y'],
        code: /OUTPUT_IS_INPUT/,
        mentions: () => 'sym-link.mp4',
        exit: 2,
      },
      {
        name: 'output equal to input',
        args: () => [good, '-o', good],
        code: /OUTPUT_IS_INPUT/,
        mentions: () => 'good.mp4',
        exit: 2,
      },
      {
        name: '--segments 0',
        args: () => [good, '--segments', '0'],
        code: /--segments/,
        mentions: () => '`0`',
        exit: 2,
      },
      {
        name: '--quality 101',
        args: () => [good, '--quality', '101'],
        code: /--quality/,
        mentions: () => '`101`',
        exit: 2,
      },
      {
        name: '--preset turbo',
        args: () => [good, '--preset', 'turbo'],
        code: /--preset/,
        mentions: () => '`turbo`',
        exit: 2,
      },
      {
        name: 'both --segments and --segment-seconds',
        args: () => [good, '--segments', '2', '--segment-seconds', '1'],
        code: /not both/,
        mentions: () => '--segments',
        exit: 2,
      },
    ];

  it.each(cases)('$name', async ({ args, code, mentions, exit }) => {
    const argv = args();
    const withOutput = argv.includes('-o') ? argv : [...argv, '-o', out()];
    const result = await runCli(['transcode', ...withOutput, '--data-dir', join(dir, 'data')], {}, 60_000);
    expect(result.code).toBe(exit);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(code);
    expect(lines[0]).toContain(mentions());
    expect(await readdir(join(dir, 'out'))).toEqual([]);
    // Refused before it started: no job directory is left behind to resume or clean up.
    expect(await readdir(join(dir, 'data', 'jobs')).catch(() => [])).toEqual([]);
    // Nothing the user owns changed.
    expect(await readFile(join(dir, 'kept.mp4'), 'utf8')).toBe('not to be replaced');
    expect(sha(await readFile(good))).toBe(goodHash);
  });

  it.each([1, 2])(
    'input whose headers probe but whose frames do not decode: INPUT_CORRUPT once, no retries (%i segments)',
    async (segments) => {
      const data = join(dir, `data-garbage-${segments}`);
      const argv = ['transcode', join(dir, 'garbage-sps.mp4'), '-o', out(), '--segments', String(segments)];
      const result = await runCli([...argv, '--data-dir', data], {}, 60_000);
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(
        /^framefleet: error: input `.*garbage-sps\.mp4` is corrupt: ffmpeg decoded no frame/,
      );
      expect(lines.at(-1)).toMatch(/\[INPUT_CORRUPT\]$/);
      // Each failure is printed once (the error line), and bad media is not tried again.
      expect(lines.filter((l) => /failed \(attempt/.test(l))).toHaveLength(0);
      expect(lines.filter((l) => /is corrupt/.test(l))).toHaveLength(1);
      expect(lines.some((l) => /warning:/.test(l))).toBe(false);
      expect(await readdir(join(dir, 'out'))).toEqual([]);
      expect(sha(await readFile(good))).toBe(goodHash);
    },
  );

  it('input with frames ffmpeg skips as undecodable: INPUT_CORRUPT once, no retries', async () => {
    const argv = ['transcode', join(dir, 'garbage-gops.mp4'), '-o', out(), '--segments', '1'];
    const result = await runCli([...argv, '--data-dir', join(dir, 'data-gops')], {}, 60_000);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /garbage-gops\.mp4` is corrupt: (\d+ of its frames could not be decoded|more than two thirds)/,
    );
    expect(lines.filter((l) => /failed \(attempt/.test(l))).toHaveLength(0);
    expect(lines.filter((l) => /is corrupt/.test(l))).toHaveLength(1);
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('-v adds the messages of ffmpeg after the error line', async () => {
    const argv = ['transcode', join(dir, 'garbage-sps.mp4'), '-o', out(), '-v'];
    const result = await runCli([...argv, '--data-dir', join(dir, 'data-verbose')], {}, 60_000);
    expect(result.code).toBe(2);
    const after = result.stderr.slice(result.stderr.indexOf('[INPUT_CORRUPT]'));
    expect(after).toMatch(/\[h264 @ [^\]]+\]|Error while decoding/);
  });
});
