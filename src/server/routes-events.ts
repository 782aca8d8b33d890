import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { TERMINAL_STATES, type JobEvent } from '../engine/types.js';
import { FramefleetError, show } from '../errors.js';
import { toApiError } from './error-handler.js';
import type { ServerContext } from './context.js';
import { idParamsSchema } from './schemas.js';

/**
 * GET /v1/jobs/:id/events: Server-Sent Events. First a `snapshot` (the full job), then the job's
 * events as they happen (`job`, `progress`, `task`, `task-progress`, `failure`), heartbeat comments
 * in between, and a final `done` with the finished job, after which the stream closes.
 */
export function eventRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>(
      '/v1/jobs/:id/events',
      { schema: { params: idParamsSchema } },
      async (request, reply) => {
        const id = request.params.id;
        // One of --max-event-streams (and of the client's --max-event-streams-per-client), given
        // back when the stream ends or the client goes.
        const release = ctx.eventStreams.take(request, reply);
        reply.raw.once('close', release);
        // Subscribe before the snapshot so nothing falls between them; queue until it is written.
        let pending: JobEvent[] | undefined = [];
        let closed = false;
        let finishing = false;
        const raw = reply.raw;
        // Every byte goes through here. What the socket has not taken yet stays in memory, so a
        // client that stops reading is dropped once --max-event-buffer-bytes of it waits (judged
        // before each write: one large message, a big job's snapshot, does not trip it by itself).
        const send = (text: string) => {
          if (closed) return;
          const buffered = raw.writableLength;
          if (buffered > ctx.maxEventBufferBytes) {
            // The request's logger already carries the job id.
            request.log.warn(
              { bufferedBytes: buffered, maxEventBufferBytes: ctx.maxEventBufferBytes },
              `event stream of job ${show(id)} ended: ${buffered} bytes waited for a client that does not read them (max-event-buffer-bytes ${ctx.maxEventBufferBytes})`,
            );
            cleanup();
            raw.destroy();
            return;
          }
          raw.write(text);
        };
        const write = (type: string, data: unknown) =>
          send(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
        // Never rejects: it runs detached, and an unhandled rejection would end the server.
        const finish = async () => {
          if (finishing) return;
          finishing = true;
          try {
            write('done', await ctx.backend.get(id));
          } catch (error) {
            const apiError = toApiError(error);
            write('error', { error: { code: apiError.code, message: apiError.message } });
          } finally {
            cleanup();
            raw.end();
          }
        };
        const onEvent = (event: JobEvent) => {
          if (event.jobId !== id || closed) return;
          if (pending) {
            pending.push(event);
            return;
          }
          write(event.type, event);
          if (event.type === 'job' && TERMINAL_STATES.includes(event.state)) void finish();
        };
        const unsubscribe = ctx.backend.subscribe(onEvent);
        const job = await ctx.backend.get(id).catch((error: unknown) => {
          unsubscribe();
          release();
          throw error;
        });
        if (!job) {
          unsubscribe();
          release();
          throw new FramefleetError('NOT_FOUND', `no job ${show(id)}`);
        }
        const heartbeat = setInterval(() => send(': heartbeat\n\n'), ctx.heartbeatMs);
        function cleanup() {
          closed = true;
          clearInterval(heartbeat);
          unsubscribe();
          release();
        }
        request.raw.on('close', cleanup);
        reply.hijack();
        // Hijacked, fastify sends none of the headers its hooks set on the reply (the frame and
        // sniffing headers every response carries): they go into the head with the stream's own.
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          if (value !== undefined) raw.setHeader(name, value);
        }
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        send('retry: 2000\n\n');
        write('snapshot', job);
        const queued = pending;
        pending = undefined;
        for (const event of queued) onEvent(event);
        if (TERMINAL_STATES.includes(job.state)) void finish();
        request.log.debug({ jobId: id }, 'event stream opened');
      },
    );
  };
}
