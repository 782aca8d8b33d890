import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { FramefleetError, isFramefleetError, show } from '../errors.js';
import { isStorageUrl, storageKeyOf } from '../storage/media-io.js';
import type { ServerContext } from './context.js';
import { idParamsSchema } from './schemas.js';
import { sendLocalFile } from './send-file.js';

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.json': 'application/json',
  // A ladder's output is its manifest.
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
};

/**
 * A finished job's output file, and removing a finished job. Like every /v1 route these need the
 * bearer token; the file is served only from inside the output roots, checked when it is opened (see sendLocalFile).
 */
export function outputRoutes(ctx: ServerContext): FastifyPluginAsync {
  const { backend } = ctx;
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>(
      '/v1/jobs/:id/output',
      { schema: { params: idParamsSchema } },
      async (request, reply) => {
        const job = await backend.get(request.params.id);
        if (!job) throw new FramefleetError('NOT_FOUND', `no job ${show(request.params.id)}`);
        if (job.state !== 'done') {
          throw new FramefleetError(
            'CONFLICT',
            `job ${show(job.id)} is ${job.state}; its output comes when it is done`,
          );
        }
        const output = outputOf(job.result) ?? outputOf(job.spec);
        if (output === undefined) throw new FramefleetError('NOT_FOUND', `job ${show(job.id)} wrote no file`);
        if (isStorageUrl(output)) {
          // An object in the server's storage: a short-lived link to it.
          return reply.redirect(await ctx.storage.readUrl(storageKeyOf(output, ctx.storage), 300));
        }
        return sendLocalFile(request, reply, {
          path: output,
          roots: ctx.confinement.outputRoots,
          what: `the output of job ${show(job.id)}`,
          type: CONTENT_TYPES[path.extname(output).toLowerCase()] ?? 'application/octet-stream',
          attachment: true,
        });
      },
    );

    app.post<{ Params: { id: string } }>(
      '/v1/jobs/:id/remove',
      { schema: { params: idParamsSchema } },
      async (request, reply) => {
        const removed = await backend.remove(request.params.id).catch((error: unknown) => {
          // A job still stopping after its cancel: the client is told when to ask again.
          const after = isFramefleetError(error) ? error.details?.retryAfterSeconds : undefined;
          if (typeof after === 'number') void reply.header('retry-after', String(after));
          throw error;
        });
        if (!removed) {
          throw new FramefleetError('NOT_FOUND', `no job ${show(request.params.id)}`);
        }
        request.log.info({ jobId: request.params.id }, 'job removed');
        return { removed: request.params.id };
      },
    );
  };
}

function outputOf(value: unknown): string | undefined {
  const output = (value as { output?: unknown } | undefined)?.output;
  return typeof output === 'string' ? output : undefined;
}
