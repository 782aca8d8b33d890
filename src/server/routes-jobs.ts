import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { JobRecord, JobState } from '../engine/types.js';
import { FramefleetError, show } from '../errors.js';
import type { ServerContext } from './context.js';
import { submitDownloads } from './submit-downloads.js';
import { parseSpec } from '../pipelines/schema.js';
import { checkOutputs, confineSpec } from './job-types.js';
import { idParamsSchema, listQuerySchema, submitBodySchema } from './schemas.js';

interface SubmitBody {
  type: string;
  spec: Record<string, unknown>;
  priority?: number;
}

/** A job without its task outputs: what the list shows, small enough for 1,000 rows a second. */
export function jobSummary(job: JobRecord) {
  const count = (state: string) => job.tasks.filter((t) => t.state === state).length;
  return {
    id: job.id,
    type: job.type,
    state: job.state,
    progress: job.progress,
    priority: job.priority,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    spec: job.spec,
    waitingFor: job.waitingFor,
    error: job.error,
    tasks: {
      total: job.tasks.length,
      done: count('done'),
      running: count('running'),
      failed: count('failed'),
      reused: job.tasks.filter((t) => t.reused).length,
    },
  };
}

function notFound(id: string): FramefleetError {
  return new FramefleetError('NOT_FOUND', `no job ${show(id)}`);
}

export function jobRoutes(ctx: ServerContext): FastifyPluginAsync {
  const { backend } = ctx;
  return async (app: FastifyInstance) => {
    app.post<{ Body: SubmitBody }>(
      '/v1/jobs',
      {
        schema: { body: submitBodySchema(ctx.jobTypes) },
        // Before the JSON Schema and zod walk the spec: their cost grows with its size.
        preValidation: async (request) => {
          const body = request.body as { type?: unknown; spec?: unknown } | null;
          const def = ctx.jobTypes.find((t) => t.type === body?.type);
          const problem = def?.budget?.(body?.spec);
          if (problem) throw new FramefleetError('INVALID_SPEC', `invalid ${def!.type} spec: ${problem}`);
        },
      },
      async (request, reply) => {
        const { type, spec, priority } = request.body;
        const def = ctx.jobTypes.find((t) => t.type === type);
        if (!def) throw new FramefleetError('INVALID_ARGUMENT', `unknown job type ${show(type)}`);
        // The zod schema the CLI validates with, before anything is downloaded or queued.
        const parsed = parseSpec(def.schema, spec, `${type} spec`) as Record<string, unknown>;
        const downloads = submitDownloads(ctx);
        let job: JobRecord;
        try {
          const confined = await confineSpec(def, parsed, ctx.confinement, downloads.download, ctx.storage);
          // Folders expanded into files must still fit the schema (the most clips a montage takes).
          if (def.expandFolders) parseSpec(def.schema, confined, `${type} spec`);
          await checkOutputs(def, confined, ctx.storage);
          job = await backend.submit(type, confined, priority === undefined ? {} : { priority });
        } catch (error) {
          // A refused submit leaves no downloads behind.
          await downloads.discard();
          throw error;
        }
        request.log.info({ jobId: job.id, type }, 'job submitted');
        return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(job);
      },
    );

    app.get<{ Querystring: { state?: JobState; offset?: string; limit?: string } }>(
      '/v1/jobs',
      { schema: { querystring: listQuerySchema } },
      async (request) => {
        const offset = Number(request.query.offset ?? 0);
        const limit = Math.min(500, Math.max(1, Number(request.query.limit ?? 50)));
        const { jobs, total } = await backend.list({ state: request.query.state, offset, limit });
        return { jobs: jobs.map(jobSummary), total, offset, limit };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/v1/jobs/:id',
      { schema: { params: idParamsSchema } },
      async (request) => {
        const job = await backend.get(request.params.id);
        if (!job) throw notFound(request.params.id);
        const cost = ctx.scaling?.costOf(job);
        return cost ? { ...job, cost } : job;
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/v1/jobs/:id',
      { schema: { params: idParamsSchema } },
      async (request) => {
        const job = await backend.cancel(request.params.id);
        if (!job) throw notFound(request.params.id);
        request.log.info({ jobId: job.id }, 'job cancel requested');
        return job;
      },
    );

    app.post<{ Params: { id: string } }>(
      '/v1/jobs/:id/retry',
      { schema: { params: idParamsSchema } },
      async (request, reply) => {
        const before = await backend.get(request.params.id);
        if (!before) throw notFound(request.params.id);
        if (before.state !== 'failed' && before.state !== 'cancelled') {
          throw new FramefleetError(
            'CONFLICT',
            `job ${show(before.id)} is ${before.state}; only failed or cancelled jobs can be retried`,
          );
        }
        const job = await backend.retry(request.params.id);
        return reply.code(202).send(job);
      },
    );
  };
}
