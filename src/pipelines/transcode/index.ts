import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mediaIdentity } from '../../storage/media-io.js';
import type { Executor, Pipeline, CheckpointVerifier } from '../../engine/types.js';
import { encodeAudio, encodeSegment, stitch, verifyAudio, verifySegment, verifyStitch } from './executors.js';
import { encodeChunk, verifyChunk } from './ladder-encode.js';
import { packageAudio, packageRendition, verifyRendition } from './ladder-package.js';
import { publishLadder, verifyPublished } from './ladder-publish.js';
import { planTranscode } from './plan.js';
import { seamPictures, verifySeamPictures } from './seam-pictures.js';
import { chainIdentity, resolveChain, type Processors } from './process-chain.js';
import type { SegmentPayload } from './payloads.js';
import { processSegment, type ProcessSegmentPayload } from './process-executor.js';
import { encodeWhole } from './whole-executor.js';
import { findCuts, keepData, splitOnCuts } from './split-executors.js';
import { parseTranscodeSpec, type TranscodeSpec } from './spec.js';

export { parseTranscodeSpec, transcodeSpecSchema, type TranscodeSpec } from './spec.js';
export { planSegments, MAX_SEGMENTS, type SegmentRange } from './plan-segments.js';
export type { StitchOutput } from './payloads.js';
export { offeredProcessors, resolveChain, type Processor, type Processors } from './process-chain.js';

/**
 * The transcode job type with the processors this process is configured with: specs naming an
 * unknown one are refused at submit (UNKNOWN_PROCESSOR), plans take their context and size from
 * them, and processed segments run them. The processors' definitions are part of a processed job's
 * identity, so changing one makes a new job instead of reusing segments made by the old one.
 */
/**
 * This planner's code: the file it runs from (in the bundled CLI, a chunk named by the hash of its
 * content and of the chunks it imports, so any change to the transcode code gives another name).
 */
const PLANNER = `framefleet ${basename(fileURLToPath(import.meta.url))}`;

export function transcodePipelineWith(processors: Processors = {}): Pipeline<TranscodeSpec> {
  return {
    type: 'transcode',
    parseSpec: (input) => {
      const spec = parseTranscodeSpec(input);
      if (spec.process) resolveChain(spec.process, processors);
      return spec;
    },
    plan: (spec, ctx) => planTranscode(spec, ctx, processors),
    planner: PLANNER,
    executors: {
      // A processed segment is a segment (progress, reports and the dashboard count it as one).
      'transcode.segment': segmentOrProcessed(processors),
      'transcode.audio': encodeAudio as Executor,
      'transcode.seam-pictures': seamPictures as Executor,
      'transcode.stitch': stitch as Executor,
      'transcode.whole': encodeWhole as Executor,
      'transcode.scenes': findCuts as Executor,
      'transcode.split': splitOnCuts as Executor,
      'transcode.ladder-chunk': encodeChunk as Executor,
      'transcode.ladder-package': packageRendition as Executor,
      'transcode.ladder-audio': packageAudio as Executor,
      'transcode.ladder-publish': publishLadder as Executor,
    },
    identity: async (spec, { storage }) => {
      const media = await mediaIdentity(spec.input, storage);
      return spec.process ? `${media}|process:${chainIdentity(spec.process, processors)}` : media;
    },
    inputFiles: (spec) => [spec.input],
    verifiers: {
      'transcode.segment': verifySegment as CheckpointVerifier,
      'transcode.audio': verifyAudio as CheckpointVerifier,
      'transcode.seam-pictures': verifySeamPictures as CheckpointVerifier,
      'transcode.stitch': verifyStitch as CheckpointVerifier,
      'transcode.whole': verifyStitch as CheckpointVerifier,
      'transcode.scenes': keepData,
      'transcode.split': keepData,
      'transcode.ladder-chunk': verifyChunk as CheckpointVerifier,
      'transcode.ladder-package': verifyRendition as CheckpointVerifier,
      'transcode.ladder-audio': verifyRendition as CheckpointVerifier,
      'transcode.ladder-publish': verifyPublished as CheckpointVerifier,
    },
  };
}

function segmentOrProcessed(processors: Processors): Executor {
  const processed = processSegment(processors);
  return (payload, ctx) =>
    (payload as Partial<ProcessSegmentPayload>).process
      ? processed(payload as ProcessSegmentPayload, ctx)
      : encodeSegment(payload as SegmentPayload, ctx);
}

/** The transcode job type where no processors are configured. */
export const transcodePipeline: Pipeline<TranscodeSpec> = transcodePipelineWith();
