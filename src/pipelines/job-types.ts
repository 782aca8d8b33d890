import type { z } from 'zod';
import type { Pipeline } from '../engine/types.js';
import { beatsPipeline, proxyPipeline, scenesPipeline } from './analyze/index.js';
import { beatsSpecSchema, proxySpecSchema, scenesSpecSchema } from './analyze/spec-schemas.js';
import { renderPipeline, renderSpecSchema } from './render/index.js';
import { mapSpecPaths } from './render/paths.js';
import { renderBudgetProblem } from './render/spec-budget.js';
import { expandClips } from './montage/clip-folders.js';
import { montagePipeline, montageSpecSchema } from './montage/index.js';
import { MAX_CLIPS } from './montage/spec.js';
import { transcodePipeline, transcodeSpecSchema } from './transcode/index.js';

/**
 * A job type, registered once: its pipeline (plan and executors, run by both backends), its spec
 * schema (what the CLI and the API validate with, and what the OpenAPI document and the dashboard's
 * forms are made from), and which spec fields name files, so the server can confine them.
 */
export interface JobType {
  type: string;
  description: string;
  pipeline: Pipeline;
  schema: z.ZodType;
  /** Spec fields holding an input path or URL, or a list of them; each is confined before the job exists. */
  inputFields: readonly string[];
  /** Spec fields holding an output path. */
  outputFields: readonly string[];
  /**
   * Input paths nested deeper in the spec (a render's scenes, audio and logo): calls `fn` on each
   * with its place in the spec and stores what it returns, so the server confines them at submit.
   */
  mapInputs?: (spec: Record<string, unknown>, fn: (path: string, where: string) => string) => void;
  /** Turns an input list's folders into their files (montage clips), once the folders are confined. */
  expandFolders?: {
    field: string;
    expand: (paths: readonly string[]) => Promise<string[]>;
    /** The most files the field may hold once its folders are expanded. */
    most?: number;
  };
  /**
   * Files a finished job writes besides its output, by the name the API serves them under
   * (`GET /v1/jobs/:id/files/:name`): which result field holds the path, and its media type.
   */
  resultFiles?: Readonly<Record<string, ResultFile>>;
  /**
   * Why a spec, as posted and not yet validated, holds more than the job type may (too many
   * scenes, layers or characters), or undefined: one cheap pass the API runs before the schemas,
   * whose cost grows with what they check. The schema says the same for the CLI.
   */
  budget?: (spec: unknown) => string | undefined;
}

/** A file named in a finished job's result, served to the dashboard. */
export interface ResultFile {
  field: string;
  type: string;
  /** Offered as a download (an attachment), not shown inline. */
  download: boolean;
}

function jobType<Spec>(
  pipeline: Pipeline<Spec>,
  description: string,
  schema: z.ZodType,
  files: {
    inputs: string[];
    outputs: string[];
    results?: Record<string, ResultFile>;
    mapInputs?: (spec: Spec, fn: (path: string, where: string) => string) => unknown;
    expandFolders?: JobType['expandFolders'];
    budget?: JobType['budget'];
  },
): JobType {
  const { mapInputs } = files;
  return {
    type: pipeline.type,
    description,
    pipeline: pipeline as unknown as Pipeline,
    schema,
    inputFields: files.inputs,
    outputFields: files.outputs,
    ...(files.results ? { resultFiles: files.results } : {}),
    ...(mapInputs ? { mapInputs: (spec, fn) => void mapInputs(spec as Spec, fn) } : {}),
    ...(files.expandFolders ? { expandFolders: files.expandFolders } : {}),
    ...(files.budget ? { budget: files.budget } : {}),
  };
}

/** Every job type framefleet runs. A new one is added here and nowhere else. */
export const JOB_TYPES: readonly JobType[] = [
  jobType(
    transcodePipeline,
    'split into segments, encode them in parallel, stitch and verify',
    transcodeSpecSchema,
    {
      // The ladder's AES-128 key file is read like the input: confined at submit as well as at use.
      inputs: ['input', 'hlsKey'],
      outputs: ['output'],
    },
  ),
  jobType(scenesPipeline, 'scene cuts and per-shot statistics of one or more videos', scenesSpecSchema, {
    inputs: ['inputs'],
    outputs: [],
  }),
  jobType(beatsPipeline, 'tempo, beats and energy of one or more audio tracks', beatsSpecSchema, {
    inputs: ['inputs'],
    outputs: [],
  }),
  jobType(proxyPipeline, 'a low-resolution copy for analysis and editing', proxySpecSchema, {
    inputs: ['input'],
    outputs: ['output'],
  }),
  // Paths inside scenes, audio and the quiz are confined at submit and again as the pipeline opens them.
  jobType(
    renderPipeline,
    'draw a JSON timeline or template scene by scene, mix audio once, stitch',
    renderSpecSchema,
    {
      inputs: [],
      outputs: ['output'],
      mapInputs: mapSpecPaths,
      budget: renderBudgetProblem,
    },
  ),
  jobType(
    montagePipeline,
    'clips and a music track cut to the beat, rendered in parallel',
    montageSpecSchema,
    {
      inputs: ['clips', 'music', 'lut'],
      outputs: ['output', 'edl', 'otio'],
      expandFolders: { field: 'clips', expand: expandClips, most: MAX_CLIPS },
      results: {
        storyboard: { field: 'storyboard', type: 'image/jpeg', download: false },
        edl: { field: 'edl', type: 'text/plain; charset=utf-8', download: true },
        otio: { field: 'otio', type: 'application/json', download: true },
      },
    },
  ),
];

/** The pipelines of every registered job type: what both backends and every worker run. */
export function allPipelines(): Pipeline[] {
  return JOB_TYPES.map((t) => t.pipeline);
}
