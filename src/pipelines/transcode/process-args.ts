import type { EncodeSettings, EncoderDef } from '../../media/encoders/catalogue.js';
import { formatRational, type Rational } from '../../media/rational.js';
import { patternDir } from '../../media/path-escape.js';
import { guardedInput, localInput } from '../../media/run.js';
import { rangeInput } from '../../media/range-input.js';
import { exactFrames, segmentOutput, type SegmentEncode } from '../../media/segment-args.js';

/** Numbered PNG frames in a folder: 000001.png, 000002.png ... (what `{frames_in}` holds). */
export const FRAME_PATTERN = '%06d.png';

/** The image2 pattern of a frames folder's files, its `%` escaped: `{frames_in_pattern}`. Pure. */
export const framesPattern = (dir: string): string => `${patternDir(dir)}/${FRAME_PATTERN}`;

/** Where a processor's frames are: a video file, or a folder of numbered PNGs. */
export type FrameSource = { kind: 'video'; path: string } | { kind: 'frames'; dir: string };

/** A segment's exact frame range, as an encode reads it, decoded for a processor. */
export type RangeDecode = Pick<
  SegmentEncode,
  | 'input'
  | 'start'
  | 'end'
  | 'rate'
  | 'videoOffsetSec'
  | 'videoStartSec'
  | 'cutMidGop'
  | 'normaliseVfr'
  | 'seekKey'
  | 'seekBefore'
  | 'deinterlace'
  | 'fitSize'
> & { to: FrameSource };

/**
 * Decodes exactly frames [start, end) of the job's timeline for a processor: losslessly (FFV1 in
 * Matroska, the source's pixel format) or as numbered PNGs, seeking as a segment encode does. Pure.
 */
export function decodeRangeArgs(job: RangeDecode): string[] {
  const { seek, filters } = rangeInput(job);
  return [
    ...seek,
    ...guardedInput(job.input),
    ...exactFrames(filters, job.end - job.start),
    ...losslessOutput(job.to),
  ];
}

/** Converts frames from one form to the other between two steps of a chain. Pure. */
export function convertFramesArgs(from: FrameSource, to: FrameSource, rate: Rational): string[] {
  return [...frameInput(from, rate, 0), '-map', '0:v:0', '-fps_mode', 'passthrough', ...losslessOutput(to)];
}

export interface ProcessedEncode {
  from: FrameSource;
  /** Leading context frames to drop, then how many frames make the segment. */
  skip: number;
  frames: number;
  rate: Rational;
  /** The source's pixel format: processed frames (PNGs are RGB) go back to it before encoding. */
  pixFmt: string;
  encoder: EncoderDef;
  settings: EncodeSettings;
  renderNode?: string;
  output: string;
}

/**
 * Encodes a processor's frames [skip, skip + frames) as a segment: re-timed onto the job's rate
 * (whatever timestamps the processor wrote), first frame an IDR, closed GOPs, as segmentArgs. Pure.
 */
export function encodeProcessedArgs(job: ProcessedEncode): string[] {
  const filters: string[] = [];
  // PNG input starts at the first kept frame by number; a video is trimmed.
  if (job.from.kind === 'video' && job.skip > 0) filters.push(`trim=start_frame=${job.skip}`);
  // Frame i of the segment at i/rate, whatever the processor's own timestamps said.
  filters.push(`settb=${job.rate.den}/${job.rate.num}`, 'setpts=N', `format=${job.pixFmt}`);
  if (job.encoder.uploadFilter) filters.push(job.encoder.uploadFilter);
  return [
    ...job.encoder.globalArgs(job.renderNode),
    ...frameInput(job.from, job.rate, job.from.kind === 'frames' ? job.skip : 0),
    ...exactFrames(filters, job.frames),
    ...segmentOutput(job),
  ];
}

/** Reads a processor's frames: its own files, opened with local protocols only. Pure. */
function frameInput(from: FrameSource, rate: Rational, skip: number): string[] {
  if (from.kind === 'video') return localInput(from.path);
  return [
    '-protocol_whitelist',
    'file',
    '-f',
    'image2',
    '-framerate',
    formatRational(rate),
    '-start_number',
    String(skip + 1),
    '-i',
    framesPattern(from.dir),
  ];
}

function losslessOutput(to: FrameSource): string[] {
  if (to.kind === 'frames') return ['-start_number', '1', '-f', 'image2', '-y', framesPattern(to.dir)];
  // FFV1 keeps every pixel and the source's pixel format.
  return ['-c:v', 'ffv1', '-f', 'matroska', '-y', to.path];
}
