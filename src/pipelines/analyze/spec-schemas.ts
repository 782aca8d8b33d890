import * as z from 'zod';
import { FramefleetError, show } from '../../errors.js';
import { MAX_SHARDS } from '../../analysis/scenes/shard-plan.js';
import { filePath, flag, outputPath, shownValue } from '../schema.js';

/** A proxy is always an MP4 (H.264 + AAC). */
export const PROXY_EXTENSIONS = ['mp4', 'm4v'] as const;

/** Most files one analysis job may list; more belong in several jobs. */
export const MAX_INPUTS = 256;

type Issue = { input?: unknown };

function intIn(name: string, min: number, max: number) {
  const error = (iss: Issue) =>
    `expected \`${name}\` to be an integer from ${min} to ${max}, got ${show(iss.input)}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

function numberIn(name: string, min: number, max: number) {
  const error = (iss: Issue) =>
    `expected \`${name}\` to be a number from ${min} to ${max}, got ${show(iss.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

function path(name: string) {
  const error = (iss: Issue) =>
    `expected \`${name}\` to be a non-empty file path, got ${shownValue(iss.input)}`;
  // Short enough to name a real file (4096 bytes, 255 per name): checked at submit, not at run.
  return z.string({ error }).min(1, { error }).pipe(filePath(name));
}

function inputs() {
  const error = (iss: Issue) =>
    `expected \`inputs\` to be a list of 1 to ${MAX_INPUTS} file paths, got ${shownValue(iss.input)}`;
  return z.array(path('inputs[]'), { error }).min(1, { error }).max(MAX_INPUTS, { error });
}

const hwaccel = z.enum(['none', 'cuda', 'vaapi', 'qsv'], {
  error: (iss: Issue) => `expected \`hwaccel\` to be one of none, cuda, vaapi, qsv, got ${show(iss.input)}`,
});

export const scenesSpecSchema = z.strictObject({
  inputs: inputs(),
  shards: intIn('shards', 1, MAX_SHARDS).default(1),
  threshold: numberIn('threshold', 1, 255).optional(),
  minShotFrames: intIn('minShotFrames', 1, 10_000).optional(),
  edges: z.boolean().default(false),
  hwaccel: hwaccel.default('none'),
});
export type ScenesSpec = z.infer<typeof scenesSpecSchema>;

export const beatsSpecSchema = z.strictObject({
  inputs: inputs(),
});
export type BeatsSpec = z.infer<typeof beatsSpecSchema>;

export const proxySpecSchema = z.strictObject({
  input: path('input'),
  output: outputPath('output', PROXY_EXTENSIONS).pipe(filePath('output')),
  /** Replace an existing output file (never the input). */
  overwrite: flag('overwrite').default(false),
  height: intIn('height', 90, 2160).default(360),
  crf: intIn('crf', 0, 51).default(28),
});
export type ProxySpec = z.infer<typeof proxySpecSchema>;

/** Validates a job spec once, at the edge; every message names the field and echoes the value. */
export function parseWith<T>(schema: z.ZodType<T>, type: string, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => show(k)).join(', ')}`
      : issue.message,
  );
  throw new FramefleetError('INVALID_SPEC', `invalid ${type} spec: ${messages.join('; ')}`, {
    details: { issues: result.error.issues },
  });
}
