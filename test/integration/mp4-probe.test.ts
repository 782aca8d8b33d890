import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeChapters } from '../../src/media/chapters.js';
import { mp4HeaderProbe, mp4WithoutChapters } from '../../src/media/mp4-probe.js';
import { PROBE_LIMITS, probeHeader } from '../../src/media/probe-header.js';
import { runFfprobe } from '../../src/media/run.js';
import { ffmpeg, tempDir, withMatrix } from '../helpers/media.js';

const picture = (size: string, rate: string) => ['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${rate}:d=2`];
const tone = (rate: number) => ['-f', 'lavfi', '-i', `sine=r=${rate}:d=2`];
const x264 = (...more: string[]) => ['-c:v', 'libx264', '-preset', 'ultrafast', ...more];

// H.264 as cameras, phones and encoders write it: what the moov reader answers in ffprobe's place.
const ANSWERED: Record<string, string[]> = {
  'b-frames-ntsc-stereo.mp4': [
    ...picture('320x240', '30000/1001'),
    ...tone(48000),
    ...x264('-preset', 'fast', '-bf', '3'),
    '-c:a',
    'aac',
    '-ac',
    '2',
  ],
  'baseline-mono-44k.mp4': [
    ...picture('320x240', '25'),
    ...tone(44100),
    ...x264('-profile:v', 'baseline'),
    '-c:a',
    'aac',
  ],
  'main-cropped.mp4': [...picture('318x238', '25'), ...x264('-profile:v', 'main')],
  'full-range.mp4': [...picture('320x240', '25'), ...x264('-pix_fmt', 'yuvj420p')],
  'high10.mp4': [...picture('320x240', '25'), ...x264('-pix_fmt', 'yuv420p10le')],
  'high422.mp4': [...picture('320x240', '25'), ...x264('-pix_fmt', 'yuv422p')],
  'bt709-tagged.mp4': [
    ...picture('320x240', '25'),
    ...x264('-color_primaries', 'bt709', '-color_trc', 'bt709'),
  ],
  'anamorphic.mov': [...picture('320x240', '25'), ...x264(), '-aspect', '16:9'],
  'stereo-96k.mov': [
    ...picture('320x240', '30'),
    ...tone(48000),
    ...x264(),
    '-c:a',
    'aac',
    '-ac',
    '2',
    '-b:a',
    '96k',
    '-movflags',
    '+faststart',
  ],
  'late-audio.mp4': [
    ...picture('320x240', '24'),
    '-itsoffset',
    '0.5',
    ...tone(48000),
    ...x264(),
    '-c:a',
    'aac',
  ],
  // Sound alone, as M4A files and a transcode's audio task write it.
  'aac-mono-44k.m4a': [...tone(44100), '-c:a', 'aac'],
  'aac-stereo-48k.m4a': [...tone(48000), '-c:a', 'aac', '-ac', '2', '-b:a', '96k'],
};

// Left to ffprobe: other codecs, more or other tracks, variable rate, fragments, flips, cut files.
const REFUSED: Record<string, string[]> = {
  'mpeg4.mp4': [...picture('320x240', '25'), '-c:v', 'mpeg4'],
  'hevc.mp4': [...picture('320x240', '25'), '-c:v', 'libx265', '-x265-params', 'log-level=error'],
  'mp3.mov': [...picture('320x240', '25'), ...tone(44100), ...x264(), '-c:a', 'libmp3lame'],
  'two-audio.mp4': [
    ...picture('320x240', '25'),
    ...tone(48000),
    ...x264(),
    '-c:a',
    'aac',
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-map',
    '1:a',
  ],
  'mp3-alone.m4a': [...tone(44100), '-c:a', 'libmp3lame', '-f', 'mp4'],
  'aac-6ch-alone.m4a': [...tone(48000), '-c:a', 'aac', '-ac', '6'],
  'he-aac-like-6ch.mp4': [...picture('320x240', '25'), ...tone(48000), ...x264(), '-c:a', 'aac', '-ac', '6'],
  'vfr.mp4': [
    ...picture('320x240', '30'),
    '-vf',
    "setpts='if(lt(N,30),N/30,1+(N-30)/15)/TB'",
    '-fps_mode',
    'vfr',
    ...x264(),
  ],
  // HDR (PQ, HLG): ffprobe names the transfer, which a transcode to 8-bit warns of.
  'hdr-pq.mp4': [...picture('320x240', '25'), ...x264('-pix_fmt', 'yuv420p10le', '-color_trc', 'smpte2084')],
  'hdr-hlg.mp4': [
    ...picture('320x240', '25'),
    ...x264('-pix_fmt', 'yuv420p10le', '-color_trc', 'arib-std-b67'),
  ],
  'interlaced.mp4': [
    ...picture('320x240', '25'),
    ...x264('-flags', '+ildct+ilme', '-x264-params', 'interlaced=1'),
  ],
  // Picture timing with a pic_struct: ffprobe's field order may name fields (tt, bb) of frame-coded pictures.
  'pic-struct.mp4': [...picture('320x240', '25'), ...x264('-x264-params', 'pic-struct=1')],
};

/** `theirs`, cut to the fields `ours` has (the moov reader writes only the fields probe reads). */
function sameFields<T extends object>(ours: T, theirs: T | undefined): T {
  return Object.fromEntries(Object.keys(ours).map((k) => [k, theirs?.[k as keyof T]])) as T;
}

describe('mp4HeaderProbe: ffprobe’s header answer from the moov, or none', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-mp4-probe-'));
    const all = { ...ANSWERED, ...REFUSED };
    await Promise.all(Object.entries(all).map(([name, args]) => ffmpeg([...args, join(dir, name)])));
    await withMatrix(join(dir, 'baseline-mono-44k.mp4'), join(dir, 'turn90.mp4'), [0, 1, -1, 0]);
    await withMatrix(join(dir, 'baseline-mono-44k.mp4'), join(dir, 'flip.mp4'), [-1, 0, 0, 1]);
    await ffmpeg([
      '-i',
      join(dir, 'late-audio.mp4'),
      '-c',
      'copy',
      '-movflags',
      '+frag_keyframe+empty_moov',
      join(dir, 'frag.mp4'),
    ]);
    // A video's sound copied out, as the transcode's audio task does.
    await ffmpeg([
      ...['-i', join(dir, 'b-frames-ntsc-stereo.mp4'), '-map', '0:a:0', '-vn', '-c:a', 'copy'],
      ...['-f', 'mp4', join(dir, 'audio-copy.mp4')],
    ]);
    // Trimmed mid-GOP by a copy: one edit that starts inside the media.
    await ffmpeg([
      '-ss',
      '0.7',
      '-i',
      join(dir, 'b-frames-ntsc-stereo.mp4'),
      '-c',
      'copy',
      join(dir, 'trimmed.mp4'),
    ]);
    // Chapters as ffmpeg writes them: a Nero chpl box and a text track named by a 'chap' reference.
    const metadata = join(dir, 'chapters.txt');
    await writeFile(
      metadata,
      ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Two\n',
    );
    for (const [from, to] of [
      ['baseline-mono-44k.mp4', 'chapters.mp4'],
      ['stereo-96k.mov', 'chapters.mov'],
    ])
      await ffmpeg([
        '-i',
        join(dir, from!),
        '-i',
        metadata,
        '-map_chapters',
        '1',
        '-c',
        'copy',
        join(dir, to!),
      ]);
    await ffmpeg([
      ...tone(44100),
      '-i',
      metadata,
      '-map_chapters',
      '1',
      '-c:a',
      'aac',
      join(dir, 'chapters.m4a'),
    ]);
    // Only the chpl box left to name them: the text track made a sound track and its reference renamed.
    const chaptered = Buffer.from(await readFile(join(dir, 'chapters.mp4')));
    for (
      let at = chaptered.indexOf('hdlr', 0, 'latin1');
      at >= 0;
      at = chaptered.indexOf('hdlr', at + 4, 'latin1')
    )
      if (chaptered.toString('latin1', at + 12, at + 16) === 'text')
        chaptered.write('soun', at + 12, 'latin1');
    for (
      let at = chaptered.indexOf('chap', 0, 'latin1');
      at >= 0;
      at = chaptered.indexOf('chap', at + 4, 'latin1')
    )
      chaptered.write('xxxx', at, 'latin1');
    await writeFile(join(dir, 'chpl-only.mp4'), chaptered);
    // Entry counts beyond their boxes: headers ffmpeg refuses (ffprobe then says so, exit 2).
    const plain = await readFile(join(dir, 'baseline-mono-44k.mp4'));
    for (const table of ['stss', 'stco', 'stsc', 'stts']) {
      const patched = Buffer.from(plain);
      patched.writeUInt32BE(0x7fffffff, patched.indexOf(table, 0, 'latin1') + 8);
      await writeFile(join(dir, `claims-${table}.mp4`), patched);
    }
    const whole = await readFile(join(dir, 'stereo-96k.mov'));
    await writeFile(join(dir, 'cut.mov'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  }, 120_000);
  afterAll(async () => cleanup());

  for (const name of [...Object.keys(ANSWERED), 'turn90.mp4', 'trimmed.mp4', 'audio-copy.mp4']) {
    it(`${name}: field for field what ffprobe says`, async () => {
      const path = join(dir, name);
      const [ours, theirs] = await Promise.all([mp4HeaderProbe(path), probeHeader(path, {})]);
      expect(ours, 'answered in-process').toBeDefined();
      expect(ours!.format).toEqual(sameFields(ours!.format!, theirs.format));
      expect(ours!.streams!.length).toBe(theirs.streams!.length);
      for (const stream of ours!.streams!) {
        const other = theirs.streams!.find((s) => s.index === stream.index);
        const { side_data_list: rotation, ...rest } = stream;
        expect(rest, `${name} stream ${stream.index}`).toEqual(sameFields(rest, other));
        // ffprobe's rotation is the matrix angle (-90 for this quarter turn); probe reads it modulo 360.
        if (rotation)
          expect(((other!.side_data_list![0]!.rotation! % 360) + 360) % 360).toBe(rotation[0]!.rotation);
        else
          expect(
            other!.side_data_list?.some((d) => d.rotation !== undefined && d.rotation !== 0) ?? false,
          ).toBe(false);
      }
    });
  }

  const claims = ['stss', 'stco', 'stsc', 'stts'].map((t) => `claims-${t}.mp4`);
  for (const name of [...Object.keys(REFUSED), 'flip.mp4', 'frag.mp4', 'cut.mov', ...claims]) {
    it(`${name}: left to ffprobe`, async () => {
      expect(await mp4HeaderProbe(join(dir, name))).toBeUndefined();
    });
  }

  // Chapters: a plain MP4 says it has none in-process; anything else is ffprobe's to list.
  const ffprobeChapters = async (path: string) => {
    const { stdout } = await runFfprobe([...PROBE_LIMITS, '-show_chapters', '-of', 'json', path], {
      timeoutMs: 30_000,
      label: 'test chapters',
    });
    return (JSON.parse(stdout.toString()) as { chapters?: unknown[] }).chapters ?? [];
  };
  for (const name of [...Object.keys(ANSWERED), ...Object.keys(REFUSED), 'turn90.mp4', 'frag.mp4']) {
    it(`${name}: no chapters, in-process only where ffprobe lists none`, async () => {
      const path = join(dir, name);
      const [none, theirs] = await Promise.all([mp4WithoutChapters(path), ffprobeChapters(path)]);
      expect(theirs).toEqual([]);
      if (none) expect(await probeChapters(path)).toEqual([]);
      if (name in ANSWERED) expect(none, 'answered in-process').toBe(true);
    });
  }
  for (const name of ['chapters.mp4', 'chapters.mov', 'chapters.m4a', 'chpl-only.mp4']) {
    it(`${name}: its chapters are ffprobe's to read`, async () => {
      const path = join(dir, name);
      expect(await mp4WithoutChapters(path)).toBe(false);
      expect((await ffprobeChapters(path)).length).toBe(2);
      expect((await probeChapters(path)).map((c) => c.title)).toEqual(['One', 'Two']);
    });
  }
});
