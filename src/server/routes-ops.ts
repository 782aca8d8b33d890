import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { FramefleetError } from '../errors.js';
import type { ServerContext } from './context.js';
import { openApiDocument } from './openapi.js';

/** Health, readiness, Prometheus metrics, the fleet's nodes and queues, and the OpenAPI document. */
export function opsRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));

    app.get('/readyz', async () => {
      try {
        await ctx.backend.stats();
      } catch (cause) {
        throw new FramefleetError('BACKEND_UNAVAILABLE', `backend ${ctx.backend.name} is not reachable`, {
          cause,
        });
      }
      return { ok: true, backend: ctx.backend.name };
    });

    app.get('/metrics', async (_request, reply) => {
      const body = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(body);
    });

    app.get('/v1/nodes', async () => ({ nodes: await ctx.fleet.nodes() }));
    app.get('/v1/queues', async () => ctx.fleet.queues());

    const document = openApiDocument(ctx.jobTypes);
    app.get('/v1/openapi.json', async () => document);
  };
}
