import type { CheckpointVerifier, Executor, Pipeline } from '../../engine/types.js';
import { filesIdentity } from '../../storage/media-io.js';
import { stitch, verifyAudio, verifyStitch } from '../transcode/executors.js';
import { mixAudio, renderScenes, verifyPiece } from './executors.js';
import { planRender } from './plan.js';
import { specPaths } from './spec-files.js';
import { parseRenderSpec, type RenderSpec } from './spec.js';

export { parseRenderSpec, renderSpecSchema, type RenderSpec } from './spec.js';
export { renderJsonSchema } from './spec-json-schema.js';

/**
 * Templated rendering: one task per run of scenes and crossfades (all independent; short scenes
 * share a task, long ones have their own), one audio mix, and the transcode stitch (concatenation
 * without re-encoding, then frame and A/V verification). Every run is a checkpoint: a rerun after a
 * crash keeps the runs that re-verify.
 */
export const renderPipeline: Pipeline<RenderSpec> = {
  type: 'render',
  parseSpec: parseRenderSpec,
  plan: planRender,
  // The files a template adds (its own scenes) are not counted: only those the spec names.
  inputFiles: specPaths,
  // The same spec on the same files (path, size, mtime of every one) is the same job: a background,
  // image or music replaced under the same name makes a new one (its pieces were reused, old).
  identity: (spec, { storage }) => filesIdentity(specPaths(spec), storage),
  executors: {
    'render.scene': renderScenes as Executor,
    'render.audio': mixAudio as Executor,
    'render.stitch': stitch as Executor,
  },
  verifiers: {
    'render.scene': verifyPiece as CheckpointVerifier,
    'render.audio': verifyAudio as CheckpointVerifier,
    'render.stitch': verifyStitch as CheckpointVerifier,
  },
};
