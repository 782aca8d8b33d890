import { mediaIdentity } from '../../storage/media-io.js';
import type { Executor, Pipeline, CheckpointVerifier } from '../../engine/types.js';
import { encodeAudio, encodeSegment, stitch, verifyAudio, verifySegment, verifyStitch } from './executors.js';
import { encodeChunk, verifyChunk } from './ladder-encode.js';
import { packageAudio, packageRendition, verifyRendition } from './ladder-package.js';
import { publishLadder, verifyPublished } from './ladder-publish.js';
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
    'transcode.ladder-chunk': encodeChunk as Executor,
    'transcode.ladder-package': packageRendition as Executor,
    'transcode.ladder-audio': packageAudio as Executor,
    'transcode.ladder-publish': publishLadder as Executor,
  },
  identity: (spec, { storage }) => mediaIdentity(spec.input, storage),
  verifiers: {
    'transcode.segment': verifySegment as CheckpointVerifier,
    'transcode.audio': verifyAudio as CheckpointVerifier,
    'transcode.stitch': verifyStitch as CheckpointVerifier,
    'transcode.scenes': keepData,
    'transcode.split': keepData,
    'transcode.ladder-chunk': verifyChunk as CheckpointVerifier,
    'transcode.ladder-package': verifyRendition as CheckpointVerifier,
    'transcode.ladder-audio': verifyRendition as CheckpointVerifier,
    'transcode.ladder-publish': verifyPublished as CheckpointVerifier,
  },
};
