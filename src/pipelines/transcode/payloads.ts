import type { EncodeSettings } from '../../media/encoders/catalogue.js';
import type { Rational } from '../../media/rational.js';

export interface SegmentPayload {
  input: string;
  index: number;
  start: number;
  end: number;
  rate: Rational;
  videoOffsetSec: number;
  normaliseVfr: boolean;
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
  mode: 'copy' | 'aac';
  bitrateKbps: number;
  key: string;
}

export interface AudioOutput {
  key: string;
  size: number;
  durationSec: number;
}

export interface StitchPayload {
  output: string;
  /** Replace an existing output; absent in plans made before the option existed (then: never). */
  overwrite?: boolean;
  /** MP4/MOV index first; absent means yes. */
  faststart?: boolean;
  /** The job's input, never to be written over. */
  input?: string;
  /** The job's one encoder, reported with the result. */
  encoder: string;
  format: string;
  segmentTasks: string[];
  audioTask: string | undefined;
  audioOffsetSec: number;
  frames: number;
  sourceAvGapSec: number | undefined;
  audioFrameSec: number;
}

export interface StitchOutput {
  output: string;
  frames: number;
  size: number;
  videoDurationSec: number;
  audioDurationSec: number | undefined;
  encoder: string;
}
