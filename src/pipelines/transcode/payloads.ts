import type { EncodeSettings } from '../../media/encoders/catalogue.js';
import type { AudioContainer } from '../../media/audio-containers.js';
import type { Chapter } from '../../media/chapters.js';
import type { Rational } from '../../media/rational.js';
import type { AudioTrackExpectation } from '../../media/verify.js';
import type { TranscodeLayout } from './layout.js';
import type { MoreAudio, SubtitleTrack, TrackTags } from './plan-tracks.js';
import type { SeamCheck } from './seam-check.js';

export interface SegmentPayload {
  input: string;
  index: number;
  start: number;
  end: number;
  rate: Rational;
  videoOffsetSec: number;
  /** The video stream's start (rangeInput; absent in plans made before it). */
  videoStartSec?: number;
  /** Cut mid-GOP: a range decoded from the first packet starts at `videoStartSec` by time (rangeInput). */
  cutMidGop?: boolean;
  normaliseVfr: boolean;
  /** The filter that deinterlaces the range before it is cut (rangeInput; absent: none). */
  deinterlace?: string;
  /** The filter that scales a source that changes size to its first size (rangeInput; absent: none). */
  fitSize?: string;
  /** The source keyframe decoding starts from (absent: an accurate seek, or plans made before it). */
  seekKey?: number;
  /** A container without a keyframe index: the source keyframe decoding starts before (seekFrom). */
  seekBefore?: number;
  /** A variable frame rate in a container without a keyframe index: the decode's pre-roll (vfrPreRoll). */
  preRollSec?: number;
  encoder: string;
  settings: EncodeSettings;
  key: string;
}

export interface SegmentOutput {
  key: string;
  frames: number;
  size: number;
}

export interface AudioPayload {
  input: string;
  /** The source audio track (`0:a:stream`); absent: the first. */
  stream?: number;
  mode: 'copy' | 'aac';
  bitrateKbps: number;
  /** The container of the task's file (audioIntermediate); absent in plans made before: MP4. */
  format?: AudioContainer;
  /** The source's channels, where it names no layout (see AudioEncode.channels). */
  channels?: number;
  key: string;
  /**
   * Where the source audio starts on the timeline the task's file keeps (the source's, from its
   * start); absent in plans made before.
   */
  sourceStartSec?: number;
}

export interface AudioOutput {
  key: string;
  size: number;
  durationSec: number;
  /**
   * How much earlier than the source audio the task's file starts: a re-encode's AAC priming frame
   * that its container shows instead of hiding (audio starting after the video), 0 for a copy.
   * The stitch places the file by its own start, as one ffmpeg run would.
   */
  leadSec?: number;
}

export interface StitchPayload {
  output: string;
  /** Replace an existing output; absent in plans made before the option existed (then: never). */
  overwrite?: boolean;
  /** MP4/MOV index first; absent means yes. */
  faststart?: boolean;
  /** The job's input, never to be written over. */
  input?: string;
  /** Every other file the job reads (a render's images, videos, music), never to be written over either. */
  inputs?: string[];
  /** The job's one encoder, reported with the result. */
  encoder: string;
  format: string;
  segmentTasks: string[];
  audioTask: string | undefined;
  audioOffsetSec: number;
  /**
   * The passes of the audio tracks after the first, each with its offset (as `audioOffsetSec`) and
   * what the verification holds it to (as `sourceAvGapSec` the first; absent in plans made before).
   */
  moreAudio?: { task: string; offsetSec: number; expected?: AudioTrackExpectation }[];
  /** Every audio track's language, name and default flag, where there is more than one. */
  audioTags?: TrackTags[];
  /** Subtitle tracks the stitch takes from the source (absent: none). */
  subtitles?: SubtitleTrack[];
  /** The source's video start minus its start, which places the subtitles (with `subtitles`). */
  videoOffsetSec?: number;
  frames: number;
  /** A variable-frame-rate source's own frame count, where `frames` is its constant-rate timeline's. */
  sourceFrames?: number;
  sourceAvGapSec: number | undefined;
  /** The source audio's probed length; absent in plans made before. */
  sourceAudioSec?: number;
  audioFrameSec: number;
  /** The source's chapters, for a stitch without an audio file to take them from. */
  chapters?: Chapter[];
  /** The source tracks' names, which the intermediates lose. */
  titles?: { video?: string; audio?: string };
  /** The source's start timecode, which a processor's frames lose (absent: none, or planned before). */
  timecode?: string;
  /** What the stitch compares with the source at each seam (absent: one segment, or planned before). */
  seams?: SeamCheck;
  /** The task that stored the source's seam pictures (absent: the stitch decodes them, as before it). */
  seamPicturesTask?: string;
}

export interface StitchOutput {
  output: string;
  frames: number;
  size: number;
  videoDurationSec: number;
  audioDurationSec: number | undefined;
  encoder: string;
  /** The source's frames, when a variable frame rate was normalised onto `frames`. */
  sourceFrames?: number;
}

/**
 * A job of one segment in one ffmpeg run (wholeArgs): the encode, the audio and the output file the
 * segment, audio and stitch tasks would write in three. Its output is a stitch's.
 */
export interface WholePayload extends Pick<
  StitchPayload,
  | 'output'
  | 'overwrite'
  | 'faststart'
  | 'encoder'
  | 'format'
  | 'frames'
  | 'sourceAvGapSec'
  | 'audioFrameSec'
  | 'timecode'
> {
  input: string;
  rate: Rational;
  settings: EncodeSettings;
  /** The filter that deinterlaces every frame (absent: none). */
  deinterlace?: string;
  /** The filter that scales every frame to the first size (absent: none). */
  fitSize?: string;
  audio?: Pick<AudioPayload, 'mode' | 'bitrateKbps' | 'channels'>;
  /** Audio tracks after the first (absent: none). */
  moreAudio?: MoreAudio[];
  /** Subtitle tracks kept (absent: none). */
  subtitles?: SubtitleTrack[];
}

/** A scene-cut transcode's analysis: hard cuts of the input, where a segment's IDR costs nothing. */
export interface ScenesPayload {
  input: string;
}

export interface ScenesOutput {
  /** Frames where a new shot starts hard. */
  cuts: number[];
}

/** A scene-cut transcode's split: the layout planned up front, split once the cuts are known. */
export interface SplitPayload {
  layout: TranscodeLayout;
}

export interface SplitOutput {
  segments: number;
  onCuts: number;
}
