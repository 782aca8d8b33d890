import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfprobe } from '../../src/media/run.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/** Each stream's type, tag and timecode tag, and the file's timecode tag. */
async function timecodes(path: string): Promise<{ streams: string[]; format: string | undefined }> {
  const { stdout } = await runFfprobe(
    ['-show_entries', 'stream=codec_type,codec_tag_string:stream_tags:format_tags', '-of', 'json', path],
    { timeoutMs: 30_000 },
  );
  const probe = JSON.parse(stdout.toString()) as {
    streams: { codec_type: string; codec_tag_string: string; tags?: Record<string, string> }[];
    format: { tags?: Record<string, string> };
  };
  return {
    streams: probe.streams.map((s) => `${s.codec_type} ${s.codec_tag_string} ${s.tags?.timecode ?? '-'}`),
    format: probe.format.tags?.timecode ?? probe.format.tags?.TIMECODE,
  };
}

// A processed transcode (--process) encodes each segment from the processor's frames, which carry
// no tags: the source's start timecode (a MOV's tmcd track) was dropped without a word.
describe('transcode keeps the source start timecode', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const path = (name: string) => join(dir, name);
  const config = resolve('examples/processors/framefleet.yaml');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const clip = (name: string, timecode: string) =>
      ffmpeg([
        ...['-f', 'lavfi', '-i', 'testsrc2=d=2:s=160x120:r=25'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-timecode', timecode, '-y', path(name)],
      ]);
    await clip('tc.mov', '01:00:00:00');
    // Matroska keeps it as the file's tag, not a track.
    await clip('tc.mkv', '10:11:12:13');
  });
  afterAll(() => cleanup());

  const transcode = (input: string, output: string, ...extra: string[]) =>
    runCli(
      ['transcode', path(input), '-o', path(output), '--preset', 'fast', '--data-dir', path('d'), ...extra],
      {},
      180_000,
    );

  it.each([
    ['tc.mov', 'one.mov', [], '01:00:00:00'],
    ['tc.mov', 'split.mp4', ['--segments', '2'], '01:00:00:00'],
    [
      'tc.mov',
      'processed.mp4',
      ['--segments', '2', '--process', 'atadenoise', '--config', config],
      '01:00:00:00',
    ],
    ['tc.mkv', 'processed-mkv.mov', ['--process', 'atadenoise', '--config', config], '10:11:12:13'],
  ])('%s -> %s %j: a tmcd track starting at %s', async (input, output, extra, timecode) => {
    const result = await transcode(input, output, ...extra);
    expect(result.code, result.stderr).toBe(0);
    const { streams } = await timecodes(path(output));
    expect(streams).toEqual([`video avc1 ${timecode}`, `data tmcd ${timecode}`]);
  });

  it('a Matroska output keeps it as its tag', async () => {
    const result = await transcode('tc.mov', 'processed.mkv', '--process', 'atadenoise', '--config', config);
    expect(result.code, result.stderr).toBe(0);
    expect((await timecodes(path('processed.mkv'))).format).toBe('01:00:00:00');
  });
});
