import type { AudioContainer } from './audio-containers.js';
import type { EncodeSettings, EncoderDef } from './encoders/catalogue.js';
import { guardedInput, LOCAL_PROTOCOLS } from './run.js';
import { rangeInput, type RangeStart } from './range-input.js';
import type { Rational } from './rational.js';

export interface SegmentEncode extends RangeStart {
  input: string;
  /** Last frame (exclusive) on the job's CFR timeline. */
  end: number;
  encoder: EncoderDef;
  settings: EncodeSettings;
  output: string;
  /** DRM render node this encode is pinned to (VAAPI/QSV); NVIDIA is pinned by environment. */
  renderNode?: string;
}

/** Media time scale for segments: a multiple of the rate so every frame lands on a whole tick. */
export function segmentTimescale(rate: Rational): number {
  let scale = rate.num;
  while (scale < 10_000) scale *= 2;
  return scale;
}

/**
 * ffmpeg arguments that encode exactly frames [start, end) into a video-only MP4 whose first frame
 * is an IDR and whose GOPs are closed, so the segments concatenate without re-encoding. Pure.
 */
export function segmentArgs(job: SegmentEncode): string[] {
  const { seek, filters } = rangeInput(job);
  if (job.encoder.uploadFilter) filters.push(job.encoder.uploadFilter);
  return [
    ...job.encoder.globalArgs(job.renderNode),
    ...seek,
    ...guardedInput(job.input),
    ...exactFrames(filters, job.end - job.start),
    ...segmentOutput(job),
  ];
}

/** One output of a split encode: its own filters after the split, encoder and MP4. */
export interface SplitOutput extends Pick<SegmentEncode, 'encoder' | 'settings' | 'output'> {
  /** Filters for this output only (scale, upload); none passes the decoded frames on as they are. */
  filters: readonly string[];
}

/**
 * ffmpeg arguments that decode frames [start, end) once and encode them into several video-only
 * MP4s (a ladder chunk's rungs), each exactly `end - start` frames with `segmentArgs`' seek, CFR
 * handling, first IDR and closed GOPs. The first output's `globalArgs` set up the device. Pure.
 */
export function splitEncodeArgs(
  job: Omit<SegmentEncode, 'encoder' | 'settings' | 'output'> & {
    outputs: readonly SplitOutput[];
    /**
     * Decode and filter on one thread each: the outputs' encoders are the parallelism (a task that
     * holds one slot beside others), and threads beyond them only contend for the same cores.
     */
    oneThreadEach?: boolean;
  },
): string[] {
  const [first] = job.outputs;
  if (!first) throw new Error('a split encode needs at least one output');
  const { seek, filters } = rangeInput(job);
  const frames = String(job.end - job.start);
  const branches = job.outputs.map((_, i) => `[s${i}]`).join('');
  const graph = [
    `[0:v:0]${[...filters, `split=${job.outputs.length}`].join(',')}${branches}`,
    ...job.outputs.map((o, i) => `[s${i}]${o.filters.length ? o.filters.join(',') : 'null'}[v${i}]`),
  ].join(';');
  return [
    ...first.encoder.globalArgs(job.renderNode),
    ...(job.oneThreadEach ? ['-filter_complex_threads', '1'] : []),
    ...seek,
    // The decoder's threads (an input option).
    ...(job.oneThreadEach ? ['-threads', '1'] : []),
    ...guardedInput(job.input),
    '-filter_complex',
    graph,
    ...job.outputs.flatMap((o, i) => [
      '-map',
      `[v${i}]`,
      // As in exactFrames: every frame it is given, exactly this many.
      '-fps_mode',
      'passthrough',
      '-frames:v',
      frames,
      ...segmentOutput({ ...o, rate: job.rate }),
    ]),
  ];
}

/**
 * Output options that take exactly `frames` frames of the first video stream through `filters`, and
 * nothing else: what a segment encode and a processor's input decode share. Pure.
 */
export function exactFrames(filters: readonly string[], frames: number): string[] {
  return [...framesThrough(filters), '-frames:v', String(frames)];
}

/**
 * Output options that take the first video stream through `filters`, every frame it is given, with
 * the `audio` and `subtitles` options (none: no audio, no subtitles) and no data. Pure.
 */
export function framesThrough(
  filters: readonly string[],
  audio: readonly string[] = ['-an'],
  subtitles: readonly string[] = ['-sn'],
): string[] {
  return [
    '-map',
    '0:v:0',
    ...audio,
    ...subtitles,
    '-dn',
    // Never duplicate or drop frames to fit a rate: the output holds the frames it is given.
    '-fps_mode',
    'passthrough',
    '-vf',
    filters.join(','),
  ];
}

/** The encoder and the segment MP4 (timescale a multiple of the rate) every encoded segment is written as. Pure. */
export function segmentOutput(
  job: Pick<SegmentEncode, 'encoder' | 'settings' | 'rate' | 'output'>,
): string[] {
  return [
    // A segment is a run of frames: the source's chapters (its whole length) would make the concat
    // demuxer take every segment for that long. The stitch takes them from the audio's file.
    '-map_chapters',
    '-1',
    '-c:v',
    job.encoder.name,
    ...job.encoder.args(job.settings),
    '-video_track_timescale',
    String(segmentTimescale(job.rate)),
    '-f',
    'mp4',
    '-y',
    job.output,
  ];
}

export interface AudioEncode {
  input: string;
  /** The source audio track (`0:a:stream`); absent: the first. */
  stream?: number | undefined;
  /** 'copy' keeps the source audio bit for bit; 'aac' re-encodes once over the whole timeline. */
  mode: 'copy' | 'aac';
  bitrateKbps: number;
  /** The file's container, one that holds the codec written (audioIntermediate); default MP4. */
  format?: AudioContainer | undefined;
  /**
   * Set where the source names no channel layout (Speex, some WAVE files): the AAC encode, which
   * needs one, takes the default layout of this many channels.
   */
  channels?: number | undefined;
  output: string;
}

/** The job's single audio pass over the whole timeline (never per segment). Pure. */
export function audioArgs(job: AudioEncode): string[] {
  return [
    ...guardedInput(job.input),
    '-map',
    `0:a:${job.stream ?? 0}`,
    '-vn',
    '-sn',
    '-dn',
    ...audioCodec(job),
    '-f',
    job.format ?? 'mp4',
    '-y',
    job.output,
  ];
}

/**
 * The audio codec options of one audio treatment: a copy, or AAC at its bitrate; for the output's
 * audio track `track` where given (`-c:a:1`), else for every audio track. Pure.
 */
export function audioCodec(
  job: Pick<AudioEncode, 'mode' | 'bitrateKbps' | 'channels'>,
  track?: number,
): string[] {
  const of = track === undefined ? '' : `:a:${track}`;
  if (job.mode === 'copy') return [`-c:a${track === undefined ? '' : `:${track}`}`, 'copy'];
  return [
    ...(job.channels ? [`-ac${of}`, String(job.channels)] : []),
    `-c:a${track === undefined ? '' : `:${track}`}`,
    'aac',
    `-b:a${track === undefined ? '' : `:${track}`}`,
    `${job.bitrateKbps}k`,
  ];
}

/** What decides a job's output file's options (see StitchJob). */
export interface OutputJob {
  format: string;
  /** The video codec; HEVC in MP4/MOV is tagged `hvc1`, the tag Apple's players require. */
  codec?: string | undefined;
  /** MP4/MOV: move the index to the front so playback starts before the download ends. */
  faststart?: boolean | undefined;
  output: string;
  /** The source's start timecode (see StitchJob.timecode). */
  timecode?: string | undefined;
}

/** The job's output file: its container, the HEVC tag and index placement MP4/MOV need. Pure. */
export function outputFile(job: OutputJob): string[] {
  const args: string[] = [];
  if (job.timecode) args.push('-timecode', job.timecode);
  const isoMedia = job.format === 'mp4' || job.format === 'mov';
  // ffmpeg's default HEVC tag is hev1, which QuickTime, Safari and iOS refuse to play.
  if (isoMedia && job.codec === 'hevc') args.push('-tag:v', 'hvc1');
  if (isoMedia && job.faststart !== false) args.push('-movflags', '+faststart');
  args.push('-f', job.format, '-y', job.output);
  return args;
}

/**
 * Input options reading an ffconcat list we wrote (absolute paths, so `-safe 0`), with only local
 * protocols allowed for the files it names. Pure.
 */
export function concatInput(list: string): string[] {
  return ['-protocol_whitelist', LOCAL_PROTOCOLS, '-f', 'concat', '-safe', '0', '-i', list];
}

/**
 * The ffconcat list for the concat demuxer (paths quoted per its escaping rules). `durations[i]`
 * (seconds), where known, places the next file: else the demuxer takes an MP4's mvhd duration, in
 * ms, and each seam of 200 frames at 30 fps (6.6667 s, written 6.667) moves the rest 0.33 ms.
 * `options` are demuxer options for opening every file (IMAGE_FILE for a list of images). Pure.
 */
export function concatList(
  paths: readonly string[],
  durations: readonly (number | undefined)[] = [],
  options: Readonly<Record<string, string>> = {},
): string {
  const entries = paths.map((p, i) => {
    const lines = [`file '${p.replace(/'/g, "'\\''")}'`];
    const duration = durations[i];
    if (duration !== undefined && duration > 0) lines.push(`duration ${duration.toFixed(6)}`);
    for (const [key, value] of Object.entries(options)) lines.push(`option ${key} ${value}`);
    return lines.join('\n');
  });
  return `ffconcat version 1.0\n${entries.join('\n')}\n`;
}
