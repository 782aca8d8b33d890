import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { FramefleetError, show } from '../errors.js';
import type { ServerContext } from './context.js';
import { deploymentOf } from '../config/pools.js';

export const poolParamsSchema = {
  type: 'object',
  required: ['pool'],
  properties: { pool: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/**
 * GET /v1/scaling/pools and /v1/scaling/pools/:pool: what KEDA's metrics-api scaler reads
 * (valueLocation `desiredReplicas`, targetValue 1). An unknown pool is a 404 naming the known ones,
 * so a typo in a ScaledObject fails loudly instead of reading 0 forever.
 */
export function scalingRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const scaling = ctx.scaling;
    app.get('/v1/scaling/pools', async () => {
      if (!scaling) return { pools: [] };
      const decisions = await scaling.decide();
      return {
        pools: scaling.pools.map((p, i) => ({
          name: p.name,
          kind: p.kind,
          queues: p.queues,
          minReplicas: p.minReplicas,
          maxReplicas: p.maxReplicas,
          pricePerHour: p.pricePerHour,
          startupSeconds: p.startupSeconds,
          slotsPerReplica: p.slotsPerReplica,
          sloWaitSeconds: p.sloWaitSeconds,
          deployment: deploymentOf(p),
          ...(p.namespace ? { namespace: p.namespace } : {}),
          desiredReplicas: decisions[i]!.desired,
          reason: decisions[i]!.reason,
        })),
      };
    });

    app.get<{ Params: { pool: string } }>(
      '/v1/scaling/pools/:pool',
      { schema: { params: poolParamsSchema } },
      async (request) => {
        const name = request.params.pool;
        const known = scaling?.pools.map((p) => p.name) ?? [];
        const index = known.indexOf(name);
        if (!scaling || index < 0) {
          throw new FramefleetError(
            'NOT_FOUND',
            `no pool ${show(name)}; known pools: ${known.length ? known.join(', ') : 'none (add pools: to framefleet.yaml)'}`,
            { details: { pool: name, knownPools: known } },
          );
        }
        const d = (await scaling.decide())[index]!;
        return {
          pool: name,
          desiredReplicas: d.desired,
          backlogSeconds: Math.round(d.backlogSeconds * 10) / 10,
          waiting: d.waiting,
          active: d.active,
          oldestWaitSeconds: d.oldestWaitSec,
          waitP95Seconds: d.waitP95Sec,
          reason: d.reason,
        };
      },
    );
  };
}
