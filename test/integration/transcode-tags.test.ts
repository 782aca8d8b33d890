import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/** A file's global tags and its streams' languages, as ffprobe reports them. */
function tags(path: string): { format: Record<string, string>; languages: string[] } {
  const args = ['-v', 'error', '-show_entries', 'format_tags:stream_tags=language', '-of', 'json', path];
  const json = JSON.parse(execFileSync('ffprobe', args).toString()) as {
    format: { tags?: Record<string, string> };
    streams: { tags?: { language?: string } }[];
  };
  const format = Object.fromEntries(
    Object.entries(json.format.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { format, languages: json.streams.map((s) => s.tags?.language ?? '') };
}

// One plain ffmpeg command keeps the source's title, artist and stream languages: so does every
// way framefleet writes the output (one pass, or segments through the concat demuxer's stitch).
describe('transcode keeps the source tags', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=3', '-f', 'lavfi', '-i', 'sine=d=3'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-metadata', 'title=Tagged: ünïcode'],
      ...[
        '-metadata',
        'artist=Someone',
        '-metadata:s:a:0',
        'language=fra',
        '-metadata:s:v:0',
        'language=eng',
      ],
      join(dir, 'tagged.mp4'),
    ]);
    await ffmpeg(['-i', join(dir, 'tagged.mp4'), '-an', '-c', 'copy', join(dir, 'silent.mp4')]);
    const chapters = join(dir, 'chapters.txt');
    await writeFile(
      chapters,
      ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=3000\ntitle=Two \\= 2\\; \\#b\n',
    );
    await ffmpeg([
      ...['-i', join(dir, 'tagged.mp4'), '-i', chapters, '-map_metadata', '1', '-map_chapters', '1'],
      ...['-c', 'copy', join(dir, 'chapters.mp4')],
    ]);
    await ffmpeg(['-i', join(dir, 'chapters.mp4'), '-an', '-c', 'copy', join(dir, 'silent-chapters.mp4')]);
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=2', '-f', 'lavfi', '-i', 'sine=d=2'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-metadata:s:v:0', 'title=Main video'],
      ...['-metadata:s:a:0', 'title=Commentary', '-metadata:s:a:0', 'language=fra', join(dir, 'named.mkv')],
    ]);
  });

  // Each segment once carried the source's chapters (its whole length): the concat demuxer then
  // took every segment for 3 s and the stitch failed its checks. The stitch took them from the
  // audio pass's file, so a source without audio (or --audio none) lost them where one pass kept them.
  it.each([
    ['chapters.mp4', 'mp4', []],
    ['chapters.mp4', 'mkv', []],
    ['silent-chapters.mp4', 'mp4', []],
    ['silent-chapters.mp4', 'mkv', []],
    ['chapters.mp4', 'mp4', ['--audio', 'none']],
  ])('%s, in 3 segments to %s %j: verified, chapters kept', async (source, ext, extra) => {
    const out = join(dir, `${source}-${extra.length}-out.${ext}`);
    const args = ['transcode', join(dir, source), '-o', out, '--segments', '3', '--preset', 'fast', ...extra];
    const r = await runCli([...args, '--data-dir', join(dir, 'data'), '-q']);
    expect(r.code, r.stderr).toBe(0);
    const list = execFileSync('ffprobe', ['-v', 'error', '-show_chapters', '-of', 'json', out]).toString();
    const titles = (JSON.parse(list) as { chapters: { tags?: { title?: string } }[] }).chapters.map(
      (c) => c.tags?.title,
    );
    expect(titles).toEqual(['One', 'Two = 2; #b']);
  });
  afterAll(() => cleanup());

  it.each([
    { source: 'tagged.mp4', segments: 1, output: 'one.mp4', languages: ['eng', 'fra'] },
    { source: 'tagged.mp4', segments: 3, output: 'three.mp4', languages: ['eng', 'fra'] },
    { source: 'tagged.mp4', segments: 3, output: 'three.mkv', languages: ['eng', 'fra'] },
    { source: 'silent.mp4', segments: 3, output: 'silent-out.mp4', languages: ['eng'] },
  ])('$source in $segments segment(s) to $output', async ({ source, segments, output, languages }) => {
    const out = join(dir, output);
    const args = [
      'transcode',
      join(dir, source),
      '-o',
      out,
      '--segments',
      String(segments),
      '--preset',
      'fast',
    ];
    const r = await runCli([...args, '--data-dir', join(dir, 'data'), '-q']);
    expect(r.code, r.stderr).toBe(0);
    const got = tags(out);
    expect(got.format).toMatchObject({ title: 'Tagged: ünïcode', artist: 'Someone' });
    expect(got.languages).toEqual(languages);
  });

  // Refused (NO_AUDIO_STREAM, exit 2) where plain ffmpeg writes the video alone.
  it.each([
    ['aac', 1],
    ['copy', 2],
  ])(
    'a video-only source with --audio %s in %i segment(s): a warning, the video',
    async (audio, segments) => {
      const out = join(dir, `silent-${audio}.mp4`);
      const args = [
        'transcode',
        join(dir, 'silent.mp4'),
        '-o',
        out,
        '--audio',
        audio,
        '--segments',
        String(segments),
        '--preset',
        'fast',
      ];
      const r = await runCli([...args, '--data-dir', join(dir, `data-${audio}`)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `framefleet: warning: input \`${join(dir, 'silent.mp4')}\` has no audio stream to ${audio}: the output will have video only`,
      );
      expect(r.stdout).toMatch(/verified: 75 frames = source, video 3\.000 s, no audio/);
    },
  );

  // The MP4 segment and audio files lost the tracks' names and gave the Matroska output their
  // handler names and vendor as tags, which one ffmpeg run from the source does not write.
  it.each([1, 2])(
    'a Matroska source with named tracks, in %i segment(s) to .mkv: the names, no MP4 tags',
    async (segments) => {
      const source = join(dir, 'named.mkv');
      const out = join(dir, `named-${segments}.mkv`);
      const args = ['transcode', source, '-o', out, '--segments', String(segments), '--preset', 'fast', '-q'];
      const r = await runCli([...args, '--data-dir', join(dir, 'data-named')]);
      expect(r.code, r.stderr).toBe(0);
      const probe = ['-v', 'error', '-show_entries', 'stream_tags', '-of', 'json', out];
      const streams = (
        JSON.parse(execFileSync('ffprobe', probe).toString()) as {
          streams: { tags: Record<string, string> }[];
        }
      ).streams.map((s) => Object.fromEntries(Object.entries(s.tags).map(([k, v]) => [k.toLowerCase(), v])));
      expect(streams[0]).toMatchObject({ title: 'Main video' });
      expect(streams[1]).toMatchObject({ title: 'Commentary', language: 'fra' });
      for (const tags of streams)
        expect(Object.keys(tags)).not.toEqual(expect.arrayContaining(['handler_name']));
      for (const tags of streams)
        expect(Object.keys(tags)).not.toEqual(expect.arrayContaining(['vendor_id']));
    },
  );

  // It once kept the first audio track alone and warned of the rest (transcode-tracks.test.ts).
  it('keeps a second audio track and text subtitles (as mov_text in MP4), with no warning', async () => {
    const subtitles = join(dir, 'subs.srt');
    await writeFile(subtitles, '1\n00:00:00,000 --> 00:00:01,000\nHello\n');
    const multi = join(dir, 'multi.mkv');
    await ffmpeg([
      ...['-i', join(dir, 'tagged.mp4'), '-f', 'lavfi', '-i', 'sine=f=880:d=3', '-i', subtitles],
      ...[
        '-map',
        '0:v',
        '-map',
        '0:a',
        '-map',
        '1:a',
        '-map',
        '2',
        '-c:v',
        'copy',
        '-c:a',
        'aac',
        '-c:s',
        'srt',
        multi,
      ],
    ]);
    const r = await runCli([
      'transcode',
      multi,
      '-o',
      join(dir, 'multi.mp4'),
      '--preset',
      'fast',
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('will not have');
    const args = [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'csv=p=0',
      join(dir, 'multi.mp4'),
    ];
    expect(execFileSync('ffprobe', args).toString().trim().split('\n')).toEqual([
      'h264',
      'aac',
      'aac',
      'mov_text',
    ]);
  });
});
