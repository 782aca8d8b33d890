import type { EntrySeek } from './entry-input.js';
import type { EncodeSettings } from '../../media/encoders/catalogue.js';
import type { Rational } from '../../media/rational.js';
import type { MusicAnalysis } from './cut-plan.js';
import type { Edl } from './edl.js';

/** One clip's analysis task. */
export interface ClipPayload {
  index: number;
  path: string;
}

export interface ClipShot {
  index: number;
  startFrame: number;
  endFrame: number;
  duration: number;
  motion: number;
  brightness: number;
  sharpness: number;
  colour: string;
}

/** What a clip's analysis keeps (cached by the clip's identity). */
export interface ClipAnalysis {
  path: string;
  fps: number;
  /** Video stream start relative to the container start, seconds (where -ss counts from). */
  offsetSec: number;
  /**
   * A clip in a container without a keyframe index (MPEG-TS): its keyframes (frame numbers) and the
   * video's start on its own clock, seconds, from which its entries are sought (see EntrySeek).
   */
  seekBefore?: { keyframes: number[]; videoStartSec: number };
  frames: number;
  width: number;
  height: number;
  /**
   * Its sample aspect ratio and display rotation (probe's), for its pixelAspect (media/cover.ts).
   * Absent from analyses cached before they were kept: read again from the clip's header.
   */
  sampleAspect?: Rational;
  rotation?: number;
  shots: ClipShot[];
  /** True when this run read the analysis from the cache instead of decoding the clip. */
  cached: boolean;
}

export interface MusicPayload {
  path: string;
}

export type MusicOutput = MusicAnalysis & { path: string; cached: boolean };

/** Everything the edit and the renders it adds need, decided when the job was planned. */
export interface MontageLayout {
  clips: string[];
  music: string;
  output: string;
  overwrite: boolean;
  format: 'mp4' | 'mov' | 'matroska';
  fps: number;
  /** Frames of the timeline: from the music's header at planning, its decoded audio from the edit on. */
  totalFrames: number;
  /** `--duration`, where one was asked for (else the montage is as long as the music). */
  requestedSec?: number | undefined;
  width: number;
  height: number;
  seed: number;
  lut: string | undefined;
  stabilize: boolean;
  encoder: string;
  settings: EncodeSettings;
  audioBitrateKbps: number;
  edl: string | undefined;
  otio: string | undefined;
  storyboard: string;
  prefix: string;
}

export interface EditPayload {
  layout: MontageLayout;
}

export interface EditOutput {
  edl: Edl;
  /** Beat times the cuts were placed on (for checking and the storyboard). */
  beats: number[];
  tempo: number | null;
  clipFps: number[];
}

/** One edit entry of a render run: where its frames come from and its storyboard thumbnail. */
export interface RunEntry {
  index: number;
  clip: string;
  clipFps: number;
  clipOffsetSec: number;
  /** The clip's pixelAspect (media/cover.ts): absent for square pixels. */
  pixelAspect?: Rational | undefined;
  sourceStart: number;
  frames: number;
  /** A clip without a keyframe index: the keyframe the entry decodes from (see EntrySeek). */
  seekBefore?: EntrySeek | undefined;
  thumbKey: string;
  /** Label of the entry's thumbnail: its time on the timeline and beat. */
  label: string;
}

/** Consecutive edit entries rendered by one task and one ffmpeg into one MP4. */
export interface RenderPayload {
  entries: RunEntry[];
  /** The entries' frames summed. */
  frames: number;
  fps: number;
  width: number;
  height: number;
  lut: string | undefined;
  stabilize: boolean;
  encoder: string;
  settings: EncodeSettings;
  key: string;
}

export interface RenderOutput {
  key: string;
  frames: number;
  size: number;
  /** Each entry's storyboard thumbnail, in order. */
  thumbKeys: string[];
}

export interface MusicRenderPayload {
  music: string;
  durationSec: number;
  bitrateKbps: number;
  key: string;
}

export interface MusicRenderOutput {
  key: string;
  size: number;
  durationSec: number;
}

export interface StitchPayload {
  layout: MontageLayout;
  renderTasks: string[];
  musicTask: string;
}

export interface MontageResult {
  output: string;
  frames: number;
  size: number;
  videoDurationSec: number;
  audioDurationSec: number | undefined;
  entries: number;
  encoder: string;
  storyboard: string;
  edl: string | undefined;
  otio: string | undefined;
}
