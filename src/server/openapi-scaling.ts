/** OpenAPI paths of the scaling routes (routes-scaling.ts) and the JobRecord's `cost`. */
const json = (description: string, schema: unknown) => ({
  description,
  content: { 'application/json': { schema } },
});
const errorRef = { $ref: '#/components/schemas/Error' };

export const jobCostSchema = {
  type: 'object',
  description: "Present with configured pools: each run's worker-seconds times its pool's price per hour",
  properties: {
    total: { type: 'number' },
    byPool: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          seconds: { type: 'number' },
          cost: { type: 'number' },
          pricePerHour: { type: 'number' },
        },
      },
    },
    unpriced: { type: 'object', additionalProperties: { type: 'number' } },
  },
} as const;

const poolMetric = {
  type: 'object',
  required: ['pool', 'desiredReplicas', 'backlogSeconds', 'waiting', 'active', 'oldestWaitSeconds'],
  properties: {
    pool: { type: 'string' },
    desiredReplicas: {
      type: 'integer',
      description: "KEDA metrics-api: valueLocation 'desiredReplicas', targetValue '1'",
    },
    backlogSeconds: { type: 'number', description: 'waiting tasks x learned seconds per task' },
    waiting: { type: 'integer' },
    active: { type: 'integer' },
    oldestWaitSeconds: { type: 'number' },
    waitP95Seconds: { type: 'number' },
    reason: { type: 'string', description: 'the decision in one line' },
  },
};

export const scalingPaths = {
  '/v1/scaling/pools': {
    get: {
      summary: "Configured pools (framefleet.yaml pools:) with each one's desired replicas and why",
      responses: { '200': { description: '{pools: [...]}' } },
    },
  },
  '/v1/scaling/pools/{pool}': {
    get: {
      summary: "What KEDA's metrics-api scaler reads for one pool",
      parameters: [{ name: 'pool', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': json('the pool now', poolMetric),
        '404': json('no such pool; details.knownPools lists the configured ones', errorRef),
      },
    },
  },
};
