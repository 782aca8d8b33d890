import type { EncodeSettings, EncoderDef } from '../../media/encoders/catalogue.js';
import { guardedInput } from '../../media/run.js';
import { concatInput, segmentTimescale } from '../../media/segment-args.js';

export interface EntryRender {
  clip: string;
  /** The clip's frame rate and video start (container-relative, seconds). */
  clipFps: number;
  clipOffsetSec: number;
  /** First source frame of the entry. */
  sourceStart: number;
  /** Output frames (at `fps`). */
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** A checked .cube file in scratch space (a plain path: it goes into the filter graph). */
  lut?: string;
  /** vidstab transforms from a detect pass, for the transform pass. */
  transforms?: string;
  encoder: EncoderDef;
  settings: EncodeSettings;
  output: string;
  /** The storyboard thumbnail, made from the same decoded frames as a second output. */
  thumbnail?: EntryThumbnail;
}

export interface EntryThumbnail {
  /** A PNG path. */
  output: string;
  label: string;
  /** A font file for the label; without one the thumbnail is unlabelled. */
  font: string | undefined;
}

/** Paths that reach a filter graph are framefleet's own scratch files; anything else is refused. */
export function filterPath(path: string): string {
  if (!/^[\w./+@-]+$/.test(path)) throw new Error(`unsafe path for a filter graph: ${path}`);
  return path;
}

/** Seek to half a frame before the entry's first frame: the accurate seek keeps it, drops the one before. */
function seekArgs(job: Pick<EntryRender, 'sourceStart' | 'clipFps' | 'clipOffsetSec'>): string[] {
  if (job.sourceStart <= 0) return [];
  return ['-ss', ((job.sourceStart - 0.5) / job.clipFps + job.clipOffsetSec).toFixed(6)];
}

/** Source frames the entry spans, at the clip's rate, plus one for the rate conversion's rounding. */
function sourceSpan(job: EntryRender): number {
  return Math.ceil((job.frames * job.clipFps) / job.fps) + 1;
}

/**
 * The vidstab detect pass over exactly the entry's source frames: transforms to a file, no output
 * video. Pure.
 */
export function stabilizeDetectArgs(job: EntryRender, transforms: string): string[] {
  return [
    ...seekArgs(job),
    ...guardedInput(job.clip),
    '-map',
    '0:v:0',
    '-frames:v',
    String(sourceSpan(job)),
    '-vf',
    `setpts=PTS-STARTPTS,vidstabdetect=shakiness=5:accuracy=15:result=${filterPath(transforms)}`,
    '-f',
    'null',
    '-',
  ];
}

/**
 * One edit entry as a video-only MP4 of exactly `frames` frames: conformed to the timeline rate,
 * scaled to cover and centre-cropped to the target size, optionally stabilised and graded, encoded
 * with the job's one encoder from an IDR with closed GOPs so entries concatenate without
 * re-encoding. With `thumbnail`, the same process also writes the entry's middle frame as the
 * storyboard thumbnail (a second output: no second decode of the entry). Pure.
 */
export function entryArgs(job: EntryRender): string[] {
  const { width, height } = job;
  const filters = ['setpts=PTS-STARTPTS'];
  if (job.transforms) {
    filters.push(`vidstabtransform=smoothing=10:zoom=2:input=${filterPath(job.transforms)}`);
  }
  filters.push(
    // Frame-rate conform: each output tick takes the nearest source frame.
    `fps=${job.fps}`,
    `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=bicubic`,
    `crop=${width}:${height}`,
    'setsar=1',
  );
  if (job.lut) filters.push(`lut3d=file=${filterPath(job.lut)}:interp=tetrahedral`);
  // A shot that ends a frame early (rounding at its last frame) holds its last frame instead.
  filters.push(`tpad=stop_mode=clone:stop=${job.frames}`, 'format=yuv420p');
  const upload = job.encoder.uploadFilter;
  const video = [
    '-an',
    '-sn',
    '-dn',
    '-frames:v',
    String(job.frames),
    '-c:v',
    job.encoder.name,
    ...job.encoder.args(job.settings),
    '-video_track_timescale',
    String(segmentTimescale({ num: job.fps, den: 1 })),
    '-f',
    'mp4',
    '-y',
    job.output,
  ];
  const input = [...job.encoder.globalArgs(), ...seekArgs(job), ...guardedInput(job.clip)];
  if (!job.thumbnail) {
    if (upload) filters.push(upload);
    return [...input, '-map', '0:v:0', '-vf', filters.join(','), ...video];
  }
  const graph = [
    `[0:v:0]${filters.join(',')},split[enc][th]`,
    `[enc]${upload ?? 'null'}[v]`,
    `[th]${thumbnailFilter(Math.floor(job.frames / 2), job.thumbnail)}[thumb]`,
  ].join(';');
  const thumb = ['-map', '[thumb]', '-frames:v', '1', '-c:v', 'png', '-f', 'image2', '-update', '1'];
  return [...input, '-filter_complex', graph, '-map', '[v]', ...video, ...thumb, '-y', job.thumbnail.output];
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
 * The music once over the whole timeline: loudness-normalised to -14 LUFS (what streaming services
 * play at), resampled back to 48 kHz (loudnorm works at 192 kHz), cut to the exact length and
 * faded out over its last `fadeSec`. Pure.
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
      `atrim=end=${d.toFixed(6)}`,
      'loudnorm=I=-14:TP=-1.5:LRA=11',
      'aresample=48000',
      `atrim=end=${d.toFixed(6)}`,
      `afade=t=out:st=${(d - fade).toFixed(6)}:d=${fade.toFixed(6)}`,
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
 * The storyboard thumbnail's filters: frame `frame` of the entry, 180 px high, labelled (letters,
 * digits, spaces and `.=#-` only: nothing the filter graph would read as syntax) when a font is
 * given. Pure.
 */
export function thumbnailFilter(frame: number, thumb: Pick<EntryThumbnail, 'label' | 'font'>): string {
  const text = thumb.label.replace(/[^\w .=#-]/g, '');
  const draw = thumb.font
    ? `,drawtext=fontfile=${filterPath(thumb.font)}:text='${text}':x=6:y=h-th-6:fontsize=16:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=3`
    : '';
  return `trim=start_frame=${frame}:end_frame=${frame + 1},scale=-2:180${draw}`;
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
