import type { JobTypeDef } from './job-types.js';
import {
  errorSchema,
  idParamsSchema,
  jobRecordSchema,
  JOB_STATES,
  specJsonSchema,
  submitBodySchema,
  taskRecordSchema,
} from './schemas.js';

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = {
  '400': { description: 'invalid request', ...json(ref('Error')) },
  '401': { description: 'missing or wrong bearer token', ...json(ref('Error')) },
  '403': {
    description:
      'path or URL outside what the server allows, a Host that is not loopback without a token, or a cross-site request',
    ...json(ref('Error')),
  },
  '404': { description: 'not found', ...json(ref('Error')) },
  '413': { description: 'body too large', ...json(ref('Error')) },
  '415': { description: 'unsupported content type', ...json(ref('Error')) },
};
const idParam = [{ name: 'id', in: 'path', required: true, schema: idParamsSchema.properties.id }];

/** The OpenAPI 3.0 document, built from the same zod-derived schemas Fastify validates with. */
export function openApiDocument(types: readonly JobTypeDef[]): Record<string, unknown> {
  const specSchemas = Object.fromEntries(types.map((t) => [`${pascal(t.type)}Spec`, specJsonSchema(t)]));
  return {
    openapi: '3.0.3',
    info: { title: 'framefleet API', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...specSchemas,
        SubmitJob: submitBodySchema(types),
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
          requestBody: { required: true, ...json(ref('SubmitJob')) },
          responses: { '202': { description: 'accepted', ...json(ref('JobRecord')) }, ...errors },
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
          responses: { '200': json(ref('JobRecord')), ...errors },
        },
        delete: {
          summary: 'Cancel a job',
          parameters: idParam,
          responses: { '200': json(ref('JobRecord')), ...errors },
        },
      },
      '/v1/jobs/{id}/retry': {
        post: {
          summary: 'Run a failed or cancelled job again',
          parameters: idParam,
          responses: { '202': json(ref('JobRecord')), ...errors },
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
      '/healthz': {
        get: { summary: 'Liveness', security: [], responses: { '200': { description: 'alive' } } },
      },
      '/readyz': {
        get: {
          summary: 'Backend reachable',
          responses: { '200': { description: 'ready' }, '503': json(ref('Error')) },
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

function pascal(name: string): string {
  return name.replace(/(^|[-_.])([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}
