import type { EncodeSettings, EncoderDef } from '../../media/encoders/catalogue.js';
import { coverFilters } from '../../media/cover.js';
import { pathOption, patternDir } from '../../media/path-escape.js';
import { seconds } from '../../media/range-input.js';
import type { Rational } from '../../media/rational.js';
import { guardedInput } from '../../media/run.js';
import { concatInput, segmentTimescale } from '../../media/segment-args.js';
import { entryInput, startFilter, type EntrySeek } from './entry-input.js';

export { stabilizeDetectArgs } from './entry-input.js';

/** One edit entry of a run: exactly `frames` frames (at the run's rate) of a clip. */
export interface EntrySource {
  clip: string;
  /** The clip's frame rate and video start (container-relative, seconds). */
  clipFps: number;
  clipOffsetSec: number;
  /** The clip's pixelAspect (media/cover.ts): absent for square pixels. */
  pixelAspect?: Rational | undefined;
  /** First source frame of the entry. */
  sourceStart: number;
  /** Output frames (at the run's `fps`). */
  frames: number;
  /** vidstab transforms from a detect pass, for the transform pass. */
  transforms?: string;
  /** Its storyboard thumbnail's label: its time on the timeline and beat. */
  label: string;
  /** A clip in a container without a keyframe index (MPEG-TS): see EntrySeek. */
  seekBefore?: EntrySeek | undefined;
}

/** Consecutive edit entries as one MP4: one ffmpeg, one encoder. */
export interface RunRender {
  entries: EntrySource[];
  fps: number;
  width: number;
  height: number;
  /** A checked .cube file in scratch space. */
  lut?: string;
  encoder: EncoderDef;
  settings: EncodeSettings;
  output: string;
  /** Each entry's storyboard thumbnail, made from the same decoded frames as another output. */
  thumbnails?: RunThumbnails;
}

export interface RunThumbnails {
  /** `thumb-<entry>.png` in this directory, numbered from `firstIndex` (the run's first entry). */
  dir: string;
  firstIndex: number;
  /** A font file for the labels; without one the thumbnails are unlabelled. */
  font: string | undefined;
}

/** Where a run writes its thumbnail of entry `index` (`%d`: ffmpeg's pattern for all of them). */
export function thumbnailPath(dir: string, index: number | '%d'): string {
  return `${index === '%d' ? patternDir(dir) : dir}/thumb-${index}.png`;
}

/**
 * One entry's filters: conformed to the run's rate, scaled to cover and centre-cropped (by the size it
 * is shown at: square pixels out of an anamorphic clip), optionally
 * stabilised and graded, exactly `frames` frames. Pure.
 */
function entryFilters(entry: EntrySource, job: RunRender): string {
  const { width, height } = job;
  const filters = [startFilter(entry)];
  if (entry.transforms) {
    filters.push(`vidstabtransform=smoothing=10:zoom=2:input=${pathOption(entry.transforms)}`);
  }
  filters.push(
    // Frame-rate conform: each output tick takes the nearest source frame.
    `fps=${job.fps}`,
    ...coverFilters(width, height, 'bicubic', entry.pixelAspect),
    'setsar=1',
  );
  if (job.lut) filters.push(`lut3d=file=${pathOption(job.lut)}:interp=tetrahedral`);
  // A shot that ends a frame early (rounding at its last frame) holds its last frame instead;
  // the trim ends the entry at exactly its frames, where the next one in the run starts.
  filters.push(
    `tpad=stop_mode=clone:stop=${entry.frames}`,
    `trim=end_frame=${entry.frames}`,
    'format=yuv420p',
  );
  return filters.join(',');
}

/** Frame metadata that carries each entry's label (two lines) through the concat to its thumbnail. */
const LABEL_KEY = 'framefleet_label';
const LABEL_KEY_2 = 'framefleet_label2';

/** A label's lines: `N at T s` above, `beat K T s` below (one line is cut off in a narrow thumbnail). */
function labelLines(label: string): [string, string] {
  const at = label.indexOf(' beat ');
  return at < 0 ? [label, ''] : [label.slice(0, at), label.slice(at + 1)];
}

/** Letters, digits, spaces and `.=#-` only: nothing the filter graph would read as syntax. */
function labelText(label: string): string {
  return label.replace(/[^\w .=#-]/g, '');
}

/**
 * A run of consecutive edit entries as one video-only MP4 of exactly their frames, in one ffmpeg:
 * one input per entry (sought to its first frame), each entry's filters, the entries concatenated
 * and encoded with the job's one encoder from an IDR with closed GOPs, so runs concatenate without
 * re-encoding. With `thumbnails`, each entry's middle frame is also written, labelled, as its
 * storyboard thumbnail: picked from the concatenated frames on their way to the encoder (each
 * carrying its entry's label as metadata), so no entry is decoded ahead of the encode. Pure.
 */
export function runArgs(job: RunRender): string[] {
  const frames = job.entries.reduce((n, e) => n + e.frames, 0);
  const thumbs = job.thumbnails;
  const graph = job.entries.map((entry, i) => {
    const [top, bottom] = labelLines(entry.label);
    const label = thumbs
      ? `,metadata=mode=add:key=${LABEL_KEY}:value='${labelText(top)}'` +
        (bottom ? `,metadata=mode=add:key=${LABEL_KEY_2}:value='${labelText(bottom)}'` : '')
      : '';
    return `[${i}:v:0]${entryFilters(entry, job)}${label}[c${i}]`;
  });
  const upload = job.encoder.uploadFilter;
  // Frame n at n / fps: concat times an entry by its last frame's distance from the one before, and
  // an entry of one frame (at 1 or 2 fps) has none, so the next one's frames landed on its time and
  // the encoder dropped them as repeats.
  const concat = `${job.entries.map((_, i) => `[c${i}]`).join('')}concat=n=${job.entries.length}:v=1:a=0,settb=1/${job.fps},setpts=N`;
  const thumbOutput: string[] = [];
  if (!thumbs) {
    graph.push(`${concat}${upload ? `,${upload}` : ''}[v]`);
  } else {
    // Each entry's middle frame, by its number in the run.
    let at = 0;
    const middles = job.entries.map((e) => {
      at += e.frames;
      return at - e.frames + Math.floor(e.frames / 2);
    });
    const pick = middles.map((m) => `eq(n,${m})`).join('+');
    const longestLine = Math.max(
      ...job.entries.flatMap((e) => labelLines(labelText(e.label)).map((l) => l.length)),
    );
    graph.push(
      `${concat},split[enc][th]`,
      `[enc]${upload ?? 'null'}[v]`,
      `[th]select='${pick}',${thumbnailFilter(job, thumbs.font, longestLine)}[thumbs]`,
    );
    thumbOutput.push(
      '-map',
      '[thumbs]',
      '-fps_mode',
      'passthrough',
      '-frames:v',
      String(middles.length),
      '-c:v',
      'png',
      '-f',
      'image2',
      '-start_number',
      String(thumbs.firstIndex),
      '-y',
      thumbnailPath(thumbs.dir, '%d'),
    );
  }
  return [
    ...job.encoder.globalArgs(),
    ...job.entries.flatMap((e) => entryInput(e, job.fps)),
    '-filter_complex',
    graph.join(';'),
    '-map',
    '[v]',
    '-an',
    '-sn',
    '-dn',
    '-frames:v',
    String(frames),
    '-c:v',
    job.encoder.name,
    ...job.encoder.args(job.settings),
    '-video_track_timescale',
    String(segmentTimescale({ num: job.fps, den: 1 })),
    '-f',
    'mp4',
    '-y',
    job.output,
    ...thumbOutput,
  ];
}

export interface MusicRender {
  music: string;
  durationSec: number;
  /** Fade-out length at the end, seconds. */
  fadeSec: number;
  bitrateKbps: number;
  output: string;
}

/**
 * The music once over the whole timeline: from its audio's first sample (where the beat analysis
 * counts from), loudness-normalised to -14 LUFS (what streaming services play at), resampled back to
 * 48 kHz (loudnorm works at 192 kHz), cut to the exact length and faded out over its last
 * `fadeSec`. Pure.
 */
export function musicArgs(job: MusicRender): string[] {
  const d = job.durationSec;
  const fade = Math.min(job.fadeSec, d);
  return [
    ...guardedInput(job.music),
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-af',
    [
      // Time from the audio's first sample: an MP3's encoder delay (0.025 s) or a video's sound
      // that starts late would otherwise be cut that much short by the trim.
      'asetpts=PTS-STARTPTS',
      `atrim=end=${seconds(d)}`,
      'loudnorm=I=-14:TP=-1.5:LRA=11',
      'aresample=48000',
      // Rounding to whole video frames (a `--duration` up to 1 ms past the audio's end) is made
      // up with silence: audio and video end together.
      `apad=whole_dur=${seconds(d)}`,
      `atrim=end=${seconds(d)}`,
      `afade=t=out:st=${seconds(d - fade)}:d=${seconds(fade)}`,
    ].join(','),
    '-ac',
    '2',
    '-c:a',
    'aac',
    '-b:a',
    `${job.bitrateKbps}k`,
    '-f',
    'mp4',
    '-y',
    job.output,
  ];
}

/**
 * The storyboard thumbnail's filters: 180 px high, or taller where that would make it narrower than
 * 160 px (a 9:16 cut's would be 102 px), labelled when a font is given: the entry's number and time
 * at the top, its beat at the bottom, in a size that fits `longest` characters across (at most 16 px;
 * DejaVu Sans digits are 0.64 em wide). Pure.
 */
export function thumbnailFilter(
  frame: { width: number; height: number },
  font: string | undefined,
  longest: number,
): string {
  const height = Math.max(180, 2 * Math.ceil((80 * frame.height) / frame.width));
  const width = 2 * Math.round((height * frame.width) / frame.height / 2);
  const size = Math.max(8, Math.min(16, Math.floor((width - 12) / (Math.max(1, longest) * 0.64))));
  const draw = (key: string, y: string) =>
    `,drawtext=fontfile=${pathOption(font!)}:text='%{metadata\\:${key}}':x=6:y=${y}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=3`;
  return `scale=-2:${height}${font ? draw(LABEL_KEY, '6') + draw(LABEL_KEY_2, 'h-th-6') : ''}`;
}

/** The storyboard: thumbnails in reading order, `columns` across, as one JPEG. Pure. */
export function storyboardArgs(list: string, count: number, columns: number, output: string): string[] {
  const rows = Math.max(1, Math.ceil(count / columns));
  return [
    ...concatInput(list),
    '-vf',
    `tile=${Math.min(columns, count)}x${rows}:padding=4:margin=4:color=black`,
    '-frames:v',
    '1',
    // Named explicitly: the atomic writer's temporary name has no .jpg to guess from.
    '-c:v',
    'mjpeg',
    '-q:v',
    '3',
    '-f',
    'image2',
    '-update',
    '1',
    '-y',
    output,
  ];
}
