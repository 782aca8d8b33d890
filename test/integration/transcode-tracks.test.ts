import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

const exec = promisify(execFile);

interface Track {
  type: string;
  codec: string;
  language: string;
  title: string;
  isDefault: boolean;
}

interface Probed {
  streams: {
    index: number;
    codec_type: string;
    codec_name?: string;
    start_time?: string;
    tags?: Record<string, string>;
    disposition?: Record<string, number>;
  }[];
  packets?: { stream_index: number; pts_time: string; size: string }[];
}

/** One ffprobe run per file for both readings below (each output read once, the source once). */
const probed = new Map<string, Promise<Probed>>();
function probeOnce(path: string): Promise<Probed> {
  if (!probed.has(path))
    probed.set(
      path,
      exec('ffprobe', [
        ...['-v', 'error', '-of', 'json', '-show_entries'],
        'stream=index,codec_type,codec_name,start_time:stream_tags=language,title:stream_disposition=default:packet=stream_index,pts_time,size',
        path,
      ]).then(({ stdout }) => JSON.parse(stdout) as Probed),
    );
  return probed.get(path)!;
}

/** A file's audio and subtitle tracks, as ffprobe reports them. */
async function tracks(path: string): Promise<Track[]> {
  return (await probeOnce(path)).streams
    .filter((s) => s.codec_type !== 'video')
    .map((s) => ({
      type: s.codec_type,
      codec: s.codec_name ?? '',
      language: s.tags?.language ?? '',
      title: s.tags?.title ?? '',
      isDefault: s.disposition?.default === 1,
    }));
}

/** Seconds from the first video frame to each subtitle packet. */
async function subtitleTimes(path: string): Promise<number[]> {
  const { streams, packets = [] } = await probeOnce(path);
  const video = Number(streams.find((s) => s.codec_type === 'video')!.start_time);
  const subtitle = streams.find((s) => s.codec_type === 'subtitle')!.index;
  // mov_text writes an empty sample for each gap: only the cues themselves count.
  return packets
    .filter((p) => p.stream_index === subtitle && Number(p.size) > 2)
    .map((p) => Math.round((Number(p.pts_time) - video) * 100) / 100);
}

/** The task kinds a `--json` run reported. */
function taskKinds(stdout: string): string[] {
  const events = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; kind?: string; state?: string });
  return [...new Set(events.filter((e) => e.type === 'task' && e.state === 'running').map((e) => e.kind!))];
}

// A source with two audio tracks (languages, a title, one default) and a subtitle track: every
// audio track is kept, and the subtitles where the container holds them, by each way of writing it.
describe('transcode keeps every audio track and the subtitles', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-tracks-'));
    const srt = join(dir, 'cues.srt');
    await writeFile(
      srt,
      '1\n00:00:00,500 --> 00:00:01,500\nHello\n\n2\n00:00:02,000 --> 00:00:02,800\nWorld\n',
    );
    const sources = [
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=3', '-f', 'lavfi', '-i', 'sine=d=3'],
      ...[
        '-f',
        'lavfi',
        '-i',
        'sine=f=660:d=3',
        '-i',
        srt,
        '-map',
        '0',
        '-map',
        '1',
        '-map',
        '2',
        '-map',
        '3',
      ],
      ...[
        '-metadata:s:a:0',
        'language=eng',
        '-metadata:s:a:1',
        'language=fra',
        '-metadata:s:s:0',
        'language=eng',
      ],
      ...['-metadata:s:a:1', 'title=French', '-disposition:a:0', 'default', '-disposition:a:1', '0'],
    ];
    // AC-3 (auto copies it anywhere) and FLAC (auto encodes it to AAC for an MP4).
    await ffmpeg([
      ...sources,
      ...FAST_X264,
      '-c:a:0',
      'ac3',
      '-c:a:1',
      'flac',
      '-c:s',
      'srt',
      join(dir, 'multi.mkv'),
    ]);
    // An MP4 source, whose one-segment job is one ffmpeg run.
    await ffmpeg([...sources, ...FAST_X264, '-c:a', 'aac', '-c:s', 'mov_text', join(dir, 'multi.mp4')]);
    // A second track 2 s shorter than the video (a commentary that stops early), and one in PCM.
    const short = [
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=3', '-f', 'lavfi', '-i', 'sine=d=3'],
      ...['-f', 'lavfi', '-i', 'sine=f=660:d=1', '-map', '0', '-map', '1', '-map', '2', ...FAST_X264],
      ...['-metadata:s:a:1', 'language=fra'],
    ];
    await Promise.all([
      ffmpeg([...short, '-c:a', 'aac', join(dir, 'short.mkv')]),
      ffmpeg([...short, '-c:a', 'aac', join(dir, 'short.mp4')]),
      ffmpeg([...short, '-c:a:0', 'aac', '-c:a:1', 'pcm_s16le', join(dir, 'pcm.mkv')]),
    ]);
  });
  afterAll(async () => cleanup());

  const run = (source: string, output: string, ...more: string[]) =>
    runCli([
      ...['transcode', join(dir, source), '-o', join(dir, output), '--json', '--data-dir', join(dir, 'data')],
      ...more,
    ]);

  it.each([
    ['segments', '3'],
    ['one segment', '1'],
  ])('MKV to MKV (%s): both audio tracks with their tags, the subtitles copied in place', async (_, n) => {
    const r = await run('multi.mkv', `out-${n}.mkv`, '--segments', n);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/will not have/);
    expect(await tracks(join(dir, `out-${n}.mkv`))).toEqual([
      { type: 'audio', codec: 'ac3', language: 'eng', title: '', isDefault: true },
      { type: 'audio', codec: 'flac', language: 'fra', title: 'French', isDefault: false },
      { type: 'subtitle', codec: 'subrip', language: 'eng', title: '', isDefault: false },
    ]);
    expect(await subtitleTimes(join(dir, `out-${n}.mkv`))).toEqual(
      await subtitleTimes(join(dir, 'multi.mkv')),
    );
  });

  it('MKV to MP4: both audio tracks (each decided by auto), the subtitles as mov_text', async () => {
    const r = await run('multi.mkv', 'out.mp4', '--segments', '3');
    expect(r.code, r.stderr).toBe(0);
    const got = await tracks(join(dir, 'out.mp4'));
    expect(got.map(({ type, codec, language }) => [type, codec, language])).toEqual([
      ['audio', 'ac3', 'eng'],
      ['audio', 'aac', 'fra'],
      ['subtitle', 'mov_text', 'eng'],
    ]);
    expect(got.map((t) => t.isDefault)).toEqual([true, false, true]);
    expect(await subtitleTimes(join(dir, 'out.mp4'))).toEqual([0.5, 2]);
  });

  it.each([
    ['out-whole.mkv', 'subrip'],
    ['out-whole.mp4', 'mov_text'],
  ])('MP4 to %s in one ffmpeg run: both audio tracks and the subtitles', async (output, subtitle) => {
    const r = await run('multi.mp4', output, '--segments', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(taskKinds(r.stdout)).toEqual(['transcode.whole']);
    const got = await tracks(join(dir, output));
    expect(got.map(({ type, codec, language }) => [type, codec, language])).toEqual([
      ['audio', 'aac', 'eng'],
      ['audio', 'aac', 'fra'],
      ['subtitle', subtitle, 'eng'],
    ]);
    expect(got.slice(0, 2).map((t) => t.isDefault)).toEqual([true, false]);
    expect(await subtitleTimes(join(dir, output))).toEqual([0.5, 2]);
  });

  it('--audio aac encodes each track; --audio none keeps none, but the subtitles', async () => {
    const aac = await run('multi.mkv', 'aac.mkv', '--segments', '2', '--audio', 'aac');
    expect(aac.code, aac.stderr).toBe(0);
    expect((await tracks(join(dir, 'aac.mkv'))).map((t) => `${t.codec}:${t.language}`)).toEqual([
      'aac:eng',
      'aac:fra',
      'subrip:eng',
    ]);
    const none = await run('multi.mkv', 'none.mkv', '--segments', '2', '--audio', 'none');
    expect(none.code, none.stderr).toBe(0);
    expect((await tracks(join(dir, 'none.mkv'))).map((t) => t.type)).toEqual(['subtitle']);
  });

  // Every output track is checked against the video, each against its own source track: a second
  // track as short as the source's passes, by segments and stitch or in one ffmpeg run.
  it.each([
    ['short.mkv', 'short-out.mkv', '3'],
    ['short.mp4', 'short-out.mp4', '1'],
  ])(
    '%s to %s (%s segment(s)): a second track shorter than the video is kept as it is',
    async (source, output, n) => {
      const r = await run(source, output, '--segments', n);
      expect(r.code, r.stderr).toBe(0);
      // The header's facts about each track: the video's frame scan is not needed here.
      const audio = (await probe(join(dir, output), { headerOnly: true })).audioTracks;
      expect(audio.map((t) => Math.round(t.durationSec * 10) / 10)).toEqual([3, 1]);
    },
  );

  it('--audio copy of a second track MP4 cannot hold is refused naming the track, its codec and the container', async () => {
    const r = await run('pcm.mkv', 'pcm.mp4', '--audio', 'copy');
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /cannot copy the pcm_s16le audio track 2 \(stream 2, language `fra`\) of input `.*pcm\.mkv` into the MP4 output `.*pcm\.mp4`: MP4 does not hold pcm_s16le.*\[AUDIO_COPY_UNSUPPORTED\]$/,
    );
  });
});
