import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { FramefleetError, show } from '../errors.js';
import { isStorageUrl, storageKeyOf } from '../storage/media-io.js';
import type { ServerContext } from './context.js';
import { sendLocalFile } from './send-file.js';

/** `name` is a key of the job type's result files, never a path: nothing the client sends is joined. */
export const fileParamsSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' },
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' },
  },
} as const;

/**
 * A finished job's other files (a montage's storyboard, EDL and OTIO), for the dashboard. Decided
 * on the matched route: the name must be one the job's type registers (deny by default), the path
 * is the one the job's result records, and it is opened inside the output roots (behind the token
 * like every /v1 route).
 */
export function fileRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string; name: string } }>(
      '/v1/jobs/:id/files/:name',
      { schema: { params: fileParamsSchema } },
      async (request, reply) => {
        const { id, name } = request.params;
        const job = await ctx.backend.get(id);
        if (!job) throw new FramefleetError('NOT_FOUND', `no job ${show(id)}`);
        const files = ctx.jobTypes.find((t) => t.type === job.type)?.resultFiles ?? {};
        // Own keys only: `constructor` or `__proto__` name no file.
        const file = Object.hasOwn(files, name) ? files[name] : undefined;
        if (!file) throw new FramefleetError('NOT_FOUND', `a ${job.type} job has no file ${show(name)}`);
        if (job.state !== 'done') {
          throw new FramefleetError(
            'CONFLICT',
            `job ${show(job.id)} is ${job.state}; its ${name} comes when it is done`,
          );
        }
        const value = (job.result as Record<string, unknown> | undefined)?.[file.field];
        if (typeof value !== 'string') {
          throw new FramefleetError('NOT_FOUND', `job ${show(job.id)} wrote no ${name}`);
        }
        if (isStorageUrl(value)) {
          return reply.redirect(await ctx.storage.readUrl(storageKeyOf(value, ctx.storage), 300));
        }
        return sendLocalFile(request, reply, {
          path: value,
          roots: ctx.confinement.outputRoots,
          what: `the ${name} of job ${show(job.id)}`,
          type: file.type,
          attachment: file.download,
        });
      },
    );
  };
}
