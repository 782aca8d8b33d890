import * as z from 'zod';
import { parseQueue } from '../engine/routing.js';

/**
 * `pools:` in framefleet.yaml: the groups of workers an autoscaler sizes and prices. A pool serves
 * one or more routing queues (`ff.nvidia`, `ff.nvidia.proc-upscale`); a `baseline` pool is always
 * on and fills first, a `burst` pool is rented above it and shrinks first.
 */
const poolName = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const poolConfigSchema = z
  .strictObject({
    /** Lower-case DNS label: it names the KEDA ScaledObject and, by default, the Deployment. */
    name: z.string().regex(poolName, 'expected a lower-case DNS label (a-z, 0-9, -)'),
    /** Routing queues this pool's workers consume (see engine/routing.ts queueFor). */
    queues: z.array(z.string()).min(1, 'expected at least one queue'),
    kind: z.enum(['baseline', 'burst']).default('burst'),
    minReplicas: z.int().min(0).max(10_000).default(0),
    maxReplicas: z.int().min(0).max(10_000),
    /** Price of one replica per hour, in the currency of your bills. */
    pricePerHour: z.number().min(0, 'expected a price >= 0').finite(),
    /** Seconds from a scale-up decision until a new replica takes work (image pull, GPU init). */
    startupSeconds: z.number().min(0).max(3600).default(60),
    /** Tasks one replica runs at once. */
    slotsPerReplica: z.int().min(1).max(256).default(1),
    /** Queue-wait p95 this pool must keep, seconds. */
    sloWaitSeconds: z.number().positive().max(86_400).default(30),
    /** A replica idle this long may go (scale-in only after the queue has been empty this long). */
    idleSeconds: z.number().min(0).max(86_400).default(60),
    /** Seconds after a scale-up before another scale-up. */
    cooldownSeconds: z.number().min(0).max(86_400).default(30),
    /** Scale-in goes to the highest desired count seen over this window (Kubernetes HPA's rule). */
    scaleDownStabilizationSeconds: z.number().min(0).max(86_400).default(300),
    /** The Kubernetes Deployment the controller scales; default: `framefleet-worker-<name>`. */
    deployment: z.string().regex(poolName, 'expected a lower-case DNS label').optional(),
    namespace: z.string().regex(poolName, 'expected a lower-case DNS label').optional(),
  })
  .superRefine((pool, ctx) => {
    pool.queues.forEach((queue, i) => {
      if (!parseQueue(queue)) {
        ctx.addIssue({
          code: 'custom',
          path: ['queues', i],
          message: 'expected a routing queue such as ff.cpu, ff.nvidia or ff.nvidia.proc-upscale',
        });
      }
    });
    if (pool.minReplicas > pool.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        message: `expected minReplicas <= maxReplicas (${pool.maxReplicas})`,
      });
    }
  });

export const poolsConfigSchema = z
  .array(poolConfigSchema)
  .default([])
  .superRefine((pools, ctx) => {
    const seen = new Set<string>();
    pools.forEach((pool, i) => {
      if (seen.has(pool.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'expected a pool name used once' });
      seen.add(pool.name);
    });
  });

export type PoolConfig = z.output<typeof poolConfigSchema>;

/** The Deployment a pool's replicas run as. */
export function deploymentOf(pool: Pick<PoolConfig, 'name' | 'deployment'>): string {
  return pool.deployment ?? `framefleet-worker-${pool.name}`;
}
