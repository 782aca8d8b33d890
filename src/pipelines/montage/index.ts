import type { CheckpointVerifier, Executor, Pipeline } from '../../engine/types.js';
import { filesIdentity } from '../../storage/media-io.js';
import { analyseClip, analyseMusic, keepData } from './analysis-executors.js';
import { editMontage } from './edit-executor.js';
import { planMontage } from './plan.js';
import { renderMusic, renderRun, verifyMusic, verifyRun } from './render-executors.js';
import { parseMontageSpec, type MontageSpec } from './spec.js';
import { stitchMontage, verifyMontage } from './stitch-executor.js';

export { montageSpecSchema, parseMontageSpec, type MontageSpec } from './spec.js';
export type { MontageResult, EditOutput } from './payloads.js';

/**
 * montage: clips and a music track become a video cut to the beat. One analysis task per clip and
 * one for the music (cached by input identity), an edit task that computes the edit list and adds
 * one render task per run of consecutive entries (at least 8 s of frames), the music pass and
 * the stitch.
 */
export const montagePipeline: Pipeline<MontageSpec> = {
  type: 'montage',
  parseSpec: parseMontageSpec,
  plan: planMontage,
  executors: {
    'montage.clip': analyseClip as Executor,
    'montage.music': analyseMusic as Executor,
    'montage.edit': editMontage as Executor,
    'montage.render': renderRun as Executor,
    'montage.music-render': renderMusic as Executor,
    'montage.stitch': stitchMontage as Executor,
  },
  verifiers: {
    'montage.clip': keepData,
    'montage.music': keepData,
    'montage.edit': keepData,
    'montage.render': verifyRun as CheckpointVerifier,
    'montage.music-render': verifyMusic as CheckpointVerifier,
    'montage.stitch': verifyMontage as CheckpointVerifier,
  },
  // The same spec on the same files (path, size, mtime of every one) is the same job.
  identity: (spec, { storage }) => filesIdentity(montageFiles(spec), storage),
  inputFiles: montageFiles,
  // A music without beats or clips without a usable shot are refused here, before any render.
  analysisKinds: ['montage.clip', 'montage.music', 'montage.edit'],
};

function montageFiles(spec: MontageSpec): string[] {
  return [...spec.clips, spec.music, ...(spec.lut ? [spec.lut] : [])];
}
