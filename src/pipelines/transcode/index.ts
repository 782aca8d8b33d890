import { mediaIdentity } from '../../storage/media-io.js';
import type { Executor, Pipeline, CheckpointVerifier } from '../../engine/types.js';
import { encodeAudio, encodeSegment, stitch, verifyAudio, verifySegment, verifyStitch } from './executors.js';
import { planTranscode } from './plan.js';
import { findCuts, keepData, splitOnCuts } from './split-executors.js';
import { parseTranscodeSpec, type TranscodeSpec } from './spec.js';

export { parseTranscodeSpec, transcodeSpecSchema, type TranscodeSpec } from './spec.js';
export { planSegments, MAX_SEGMENTS, type SegmentRange } from './plan-segments.js';
export type { StitchOutput } from './payloads.js';

export const transcodePipeline: Pipeline<TranscodeSpec> = {
  type: 'transcode',
  parseSpec: parseTranscodeSpec,
  plan: planTranscode,
  executors: {
    'transcode.segment': encodeSegment as Executor,
    'transcode.audio': encodeAudio as Executor,
    'transcode.stitch': stitch as Executor,
    'transcode.scenes': findCuts as Executor,
    'transcode.split': splitOnCuts as Executor,
  },
  identity: (spec, { storage }) => mediaIdentity(spec.input, storage),
  verifiers: {
    'transcode.segment': verifySegment as CheckpointVerifier,
    'transcode.audio': verifyAudio as CheckpointVerifier,
    'transcode.stitch': verifyStitch as CheckpointVerifier,
    'transcode.scenes': keepData,
    'transcode.split': keepData,
  },
};
