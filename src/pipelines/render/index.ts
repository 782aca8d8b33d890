import type { CheckpointVerifier, Executor, Pipeline } from '../../engine/types.js';
import { stitch, verifyAudio, verifyStitch } from '../transcode/executors.js';
import { mixAudio, renderCrossfade, renderScene, verifyPiece } from './executors.js';
import { planRender } from './plan.js';
import { parseRenderSpec, type RenderSpec } from './spec.js';

export { parseRenderSpec, renderSpecSchema, renderJsonSchema, type RenderSpec } from './spec.js';

/**
 * Templated rendering: one task per scene and per crossfade (all independent), one audio mix, and
 * the transcode stitch (concatenation without re-encoding, then frame and A/V verification). Every
 * piece is a checkpoint: a rerun after a crash keeps the pieces that re-verify.
 */
export const renderPipeline: Pipeline<RenderSpec> = {
  type: 'render',
  parseSpec: parseRenderSpec,
  plan: planRender,
  executors: {
    'render.scene': renderScene as Executor,
    'render.crossfade': renderCrossfade as Executor,
    'render.audio': mixAudio as Executor,
    'render.stitch': stitch as Executor,
  },
  verifiers: {
    'render.scene': verifyPiece as CheckpointVerifier,
    'render.crossfade': verifyPiece as CheckpointVerifier,
    'render.audio': verifyAudio as CheckpointVerifier,
    'render.stitch': verifyStitch as CheckpointVerifier,
  },
};
