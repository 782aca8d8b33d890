import type { TranscodeLayout } from '../../src/pipelines/transcode/layout.js';

/** A plain transcode's layout: 10 s of 540p30 H.264 from an MP4 with one keyframe, audio copied. */
export const PLAIN_LAYOUT: TranscodeLayout = {
  input: '/in.mp4',
  output: '/out.mp4',
  overwrite: false,
  faststart: true,
  format: 'mp4',
  encoder: 'libx264',
  device: 'cpu',
  settings: { quality: 70, preset: 'balanced', gopFrames: 60 },
  frames: 300,
  rate: { num: 30, den: 1 },
  fps: 30,
  width: 960,
  height: 540,
  keyframes: [0],
  videoOffsetSec: 0,
  normaliseVfr: false,
  segments: undefined,
  segmentSeconds: 120,
  audio: { mode: 'copy', bitrateKbps: 160, offsetSec: 0.2 },
  sourceAvGapSec: 0,
  audioFrameSec: 1024 / 48_000,
  prefix: 'jobs/x/',
};
