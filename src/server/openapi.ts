import type { JobTypeDef } from './job-types.js';
import { scalingPaths } from './openapi-scaling.js';
import {
  errorSchema,
  idParamsSchema,
  jobRecordSchema,
  JOB_STATES,
  specJsonSchema,
  submitBodySchema,
  taskRecordSchema,
} from './schemas.js';

const DIALECT = 'draft-2020-12';
const json = (description: string, schema: unknown) => ({
  description,
  content: { 'application/json': { schema } },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => json(description, ref('Error'));
const errors = {
  '400': error('invalid request'),
  '401': error('missing or wrong bearer token'),
  '403': error(
    'path or URL outside what the server allows, a Host that is not loopback without a token, or a cross-site request',
  ),
  '404': error('not found'),
  '409': error('the job is not in a state that allows this'),
  '413': error('body too large'),
  '415': error('unsupported content type'),
};
const idParam = [{ name: 'id', in: 'path', required: true, schema: idParamsSchema.properties.id }];

/**
 * The OpenAPI 3.1 document, built from the same zod schemas Fastify validates with (3.1: its schema
 * objects are JSON Schema, so a spec's schema is published as it is). A test validates it.
 */
export function openApiDocument(types: readonly JobTypeDef[]): Record<string, unknown> {
  const specSchemas = Object.fromEntries(
    types.map((t) => [`${pascal(t.type)}Spec`, specJsonSchema(t, DIALECT)]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'framefleet API', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...specSchemas,
        SubmitJob: submitBodySchema(types, DIALECT),
        JobRecord: jobRecordSchema,
        TaskRecord: taskRecordSchema,
        Error: errorSchema,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/jobs': {
        post: {
          summary: `Submit a job (${types.map((t) => t.type).join(', ')})`,
          requestBody: { required: true, content: { 'application/json': { schema: ref('SubmitJob') } } },
          responses: { '202': json('accepted', ref('JobRecord')), ...errors },
        },
        get: {
          summary: 'List jobs, newest first',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string', enum: [...JOB_STATES] } },
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          ],
          responses: { '200': { description: 'a page of job summaries' }, ...errors },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          summary: 'A job with its tasks',
          parameters: idParam,
          responses: { '200': json('the job', ref('JobRecord')), ...errors },
        },
        delete: {
          summary: 'Cancel a job (running ffmpeg stops within seconds)',
          parameters: idParam,
          responses: { '200': json('the cancelled job', ref('JobRecord')), ...errors },
        },
      },
      '/v1/jobs/{id}/retry': {
        post: {
          summary:
            'Run a failed or cancelled job again (409 INPUT_CHANGED, 400 INPUT_NOT_FOUND: its input is not the file it was planned on)',
          parameters: idParam,
          responses: { '202': json('the job, started again', ref('JobRecord')), ...errors },
        },
      },
      '/v1/jobs/{id}/remove': {
        post: {
          summary: 'Forget a job that is not running: its record and intermediates, never its output',
          parameters: idParam,
          responses: {
            '200': json('removed', {
              type: 'object',
              required: ['removed'],
              properties: { removed: { type: 'string' } },
            }),
            ...errors,
          },
        },
      },
      '/v1/jobs/{id}/output': {
        get: {
          summary: "A finished job's output file (only from inside the output roots)",
          parameters: idParam,
          responses: {
            '200': {
              description: 'the file',
              content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
            '206': { description: 'the byte range asked for with Range: bytes=a-b (a player seeking)' },
            '302': { description: 'a short-lived link to an output stored in S3' },
            '416': { description: 'a range that starts past the end of the file' },
            ...errors,
          },
        },
      },
      '/v1/jobs/{id}/files/{name}': {
        get: {
          summary:
            "A finished job's other files: a montage's storyboard (JPEG), edl and otio (downloads), from inside the output roots",
          parameters: [
            ...idParam,
            { name: 'name', in: 'path', required: true, schema: { type: 'string', enum: fileNames(types) } },
          ],
          responses: {
            '200': {
              description: 'the file',
              content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
            '206': { description: 'the byte range asked for with Range: bytes=a-b' },
            '302': { description: 'a short-lived link to a file stored in S3' },
            '416': { description: 'a range that starts past the end of the file' },
            ...errors,
          },
        },
      },
      '/v1/jobs/{id}/ladder/{path}': {
        get: {
          summary:
            "A finished ladder's manifest (`master.m3u8`) or a file of one of its rendition folders (`master-240p/index.m3u8`): `path` is one name or folder/name, nothing else",
          parameters: [...idParam, { name: 'path', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'the playlist, manifest or media segment' },
            '206': { description: 'the byte range asked for with Range: bytes=a-b' },
            ...errors,
          },
        },
      },
      '/v1/jobs/{id}/events': {
        get: {
          summary: 'Server-Sent Events: snapshot, job, progress, task, task-progress, failure, done',
          parameters: idParam,
          responses: {
            '200': { description: 'event stream', content: { 'text/event-stream': {} } },
            ...errors,
          },
        },
      },
      '/v1/uploads': {
        post: {
          summary: 'Stream a file into storage; the answer names a path usable as a job input',
          parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: { '201': { description: 'stored: {key, size, path, url}' }, ...errors },
        },
      },
      '/v1/nodes': {
        get: {
          summary: 'Workers with capabilities, load and current tasks',
          responses: { '200': { description: 'nodes' } },
        },
      },
      '/v1/queues': {
        get: {
          summary: 'Queue depths now and over the last hour',
          responses: { '200': { description: 'queues' } },
        },
      },
      ...scalingPaths,
      '/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/healthz': {
        get: { summary: 'Liveness', security: [], responses: { '200': { description: 'alive' } } },
      },
      '/readyz': {
        get: {
          summary: 'Backend reachable',
          responses: { '200': { description: 'ready' }, '503': error('backend unreachable') },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus exposition',
          responses: { '200': { description: 'metrics', content: { 'text/plain': {} } } },
        },
      },
    },
  };
}

/** Every name `GET /v1/jobs/{id}/files/{name}` serves, over all job types. */
function fileNames(types: readonly JobTypeDef[]): string[] {
  return [...new Set(types.flatMap((t) => Object.keys(t.resultFiles ?? {})))].sort();
}

function pascal(name: string): string {
  return name.replace(/(^|[-_.])([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}
