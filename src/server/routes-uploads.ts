import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { FramefleetError } from '../errors.js';
import type { ServerContext } from './context.js';
import { uploadQuerySchema } from './schemas.js';
import { rateGuarded } from './upload-rate.js';

/**
 * POST /v1/uploads?name=clip.mp4 with the file as the raw body: streamed into storage under
 * uploads/<uuid>/<name> (atomically, with the size limit enforced while streaming), answered with
 * the path a job can use as its input.
 */
export function uploadRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // In this plugin only: any content type, body left unread for the handler to stream.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));

    app.post<{ Querystring: { name: string } }>(
      '/v1/uploads',
      { schema: { querystring: uploadQuerySchema } },
      async (request, reply) => {
        const limit = ctx.maxUploadBytes;
        const declared = Number(request.headers['content-length'] ?? NaN);
        if (Number.isFinite(declared) && declared > limit) {
          // Refuse before reading a byte; the connection closes so the unread body goes nowhere.
          reply.header('connection', 'close');
          throw new FramefleetError(
            'PAYLOAD_TOO_LARGE',
            `upload of ${declared} bytes is larger than the limit of ${limit} bytes`,
          );
        }
        if (!ctx.storage.putStream) {
          throw new FramefleetError(
            'STORAGE_FAILED',
            `storage ${ctx.storage.url} does not accept streamed uploads`,
          );
        }
        // One of --max-uploads (and of the client's --max-uploads-per-client), held until the body
        // is stored or the stream ends another way (client gone, limit passed, slower than
        // --min-upload-kib-per-s, --request-timeout-s reached).
        const release = ctx.uploads.take(request, reply, { close: true });
        const folder = `uploads/${randomUUID()}/`;
        const key = `${folder}${request.query.name}`;
        const stored = await ctx.storage
          .putStream(key, rateGuarded(request.raw, ctx.uploadRate), { maxBytes: limit })
          .catch(async (error: unknown) => {
            reply.header('connection', 'close');
            // The storage removed its temporary file; the upload's own folder goes too.
            await ctx.storage.deletePrefix(folder).catch((cause: unknown) => {
              request.log.warn({ err: cause, folder }, 'could not remove a failed upload');
            });
            throw error;
          })
          .finally(release);
        request.log.info({ key, size: stored.size }, 'upload stored');
        const path = ctx.storage.localPath(key);
        return reply.code(201).send({
          key,
          size: stored.size,
          path,
          url: `${ctx.storage.url.replace(/\/$/, '')}/${key}`,
        });
      },
    );
  };
}
