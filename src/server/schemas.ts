import { ERROR_CODES } from '../errors.js';
import { HLS_KEY_URI } from '../media/hls-encrypt.js';
import { VOICE_NAME } from '../pipelines/render/quiz-spec.js';
import * as z from 'zod';
import { jobCostSchema } from './openapi-scaling.js';
import type { JobTypeDef } from './job-types.js';

type Dialect = 'draft-7' | 'draft-2020-12';

/**
 * JSON Schema of a spec, as clients write it: draft-07 for Fastify's Ajv, 2020-12 (the dialect of
 * OpenAPI 3.1 schema objects) for the published document.
 */
export function specJsonSchema(def: JobTypeDef, target: Dialect = 'draft-7'): Record<string, unknown> {
  const schema = z.toJSONSchema(def.schema, { target, io: 'input', unrepresentable: 'any' });
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return withDiscriminators(rest);
}

type JsonNode = Record<string, unknown>;

/** The property every branch of a oneOf fixes to a constant (a layer's `type`), if there is one. */
function tagOf(branches: unknown[]): string | undefined {
  const first = (branches[0] as JsonNode | undefined)?.properties as Record<string, JsonNode> | undefined;
  return Object.keys(first ?? {}).find((key) =>
    branches.every((b) => {
      const branch = b as JsonNode;
      const prop = (branch.properties as Record<string, JsonNode> | undefined)?.[key];
      return prop?.const !== undefined && (branch.required as string[] | undefined)?.includes(key);
    }),
  );
}

/**
 * Marks each oneOf whose branches are told apart by one constant property with OpenAPI's
 * `discriminator`, which Ajv (`discriminator: true`) follows: a box layer with a bad colour is
 * checked as a box and refused for its colour, where plain oneOf refused it for lacking the text
 * layer's `text`. Returns a copy.
 */
export function withDiscriminators<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n: unknown) => withDiscriminators(n)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: JsonNode = {};
  for (const [key, value] of Object.entries(node)) out[key] = withDiscriminators(value);
  const tag = Array.isArray(out.oneOf) ? tagOf(out.oneOf) : undefined;
  // Ajv's strict mode asks a discriminator's schema to say it is an object.
  if (tag !== undefined) Object.assign(out, { type: 'object', discriminator: { propertyName: tag } });
  return out as T;
}

/** POST /v1/jobs body: {type, spec, priority?}; the spec is checked against its type's schema. */
export function submitBodySchema(
  types: readonly JobTypeDef[],
  target: Dialect = 'draft-7',
): Record<string, unknown> {
  return {
    type: 'object',
    required: ['type', 'spec'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', enum: types.map((t) => t.type) },
      spec: { type: 'object' },
      priority: { type: 'integer', minimum: -100, maximum: 100 },
    },
    allOf: types.map((def) => ({
      if: { properties: { type: { const: def.type } } },
      then: { properties: { spec: specJsonSchema(def, target) } },
    })),
  };
}

export const JOB_STATES = [
  'queued',
  'planning',
  'running',
  'waiting',
  'done',
  'failed',
  'cancelled',
] as const;

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { type: 'string', enum: [...JOB_STATES] },
    offset: { type: 'string', pattern: '^[0-9]{1,9}$' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
  },
} as const;

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' } },
} as const;

const UPLOAD_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/** Patterns said in words in validation messages (a bare regex tells a user little). */
export const PATTERN_RULES: Readonly<Record<string, string>> = {
  [UPLOAD_NAME]:
    'may use only letters, digits, `.`, `_` and `-` (no spaces; a letter or digit first), at most 128 characters',
  [HLS_KEY_URI.source]:
    'must be a URI of printable ASCII without spaces or quotes (it is written into the playlists), at most 2048 characters',
  [VOICE_NAME.source]:
    'must be an espeak-ng voice name: letters, digits, `-`, `_` and `+` (a letter or digit first, never a path), at most 50 characters',
};

export const uploadQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', pattern: UPLOAD_NAME } },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        details: { type: 'object', description: 'structured facts about the error (field, value, encoder)' },
      },
    },
  },
} as const;

export const taskRecordSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'queued', 'running', 'done', 'failed', 'cancelled'] },
    weight: { type: 'number' },
    requires: { type: 'object' },
    attempts: { type: 'integer' },
    worker: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    progress: { type: 'number' },
    fps: { type: 'number' },
    reused: { type: 'boolean' },
    output: {},
  },
} as const;

export const jobRecordSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    spec: { type: 'object' },
    state: { type: 'string', enum: [...JOB_STATES] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    priority: { type: 'integer' },
    progress: { type: 'number' },
    tasks: { type: 'array', items: { $ref: '#/components/schemas/TaskRecord' } },
    failures: { type: 'array', items: { type: 'object' } },
    waitingFor: { type: 'string' },
    /** What the job's plan warned of. */
    warnings: { type: 'array', items: { type: 'string' } },
    result: {},
    error: { type: 'object' },
    cost: jobCostSchema,
  },
} as const;
