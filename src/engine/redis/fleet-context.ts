import type { Redis } from 'ioredis';
import type { PathPolicy } from '../../storage/path-policy.js';
import type { Storage } from '../../storage/types.js';
import { BoundedMap } from '../bounded-map.js';
import type { PipelineRegistry } from '../registry.js';
import type { Logger } from '../types.js';
import { Enqueuer } from './enqueue.js';
import { GraphStore } from './graph-store.js';
import { JobStore } from './job-store.js';
import { RedisKeys } from './keys.js';
import { NodeRegistry } from './node-registry.js';
import { DEFAULT_RETRY, QueueSet, type RetryPolicy } from './queue-set.js';

export { DEFAULT_RETRY, QueueSet, type RetryPolicy } from './queue-set.js';

/** Everything the plan and task steps need from the world, wired once per process. */
export interface FleetContext {
  redis: Redis;
  keys: RedisKeys;
  store: JobStore;
  graphs: GraphStore;
  nodes: NodeRegistry;
  queues: QueueSet;
  enqueuer: Enqueuer;
  registry: PipelineRegistry;
  storage: Storage;
  workerId: string;
  scratchRoot: string;
  retry: RetryPolicy;
  keepIntermediates: boolean;
  log: Logger;
  clock: () => Date;
  /** When this process last published each job's progress. */
  progressAt: BoundedMap<string, number>;
  /** Confines each job's files where they are opened; see fleetPathPolicy. */
  paths: PathPolicy | undefined;
}

export interface FleetContextOptions {
  redis: Redis;
  prefix: string;
  registry: PipelineRegistry;
  storage: Storage;
  workerId: string;
  scratchRoot: string;
  retry?: RetryPolicy;
  keepIntermediates?: boolean;
  log: Logger;
  clock?: () => Date;
  paths?: PathPolicy;
}

/** Wires a FleetContext; the backend (submitter) and every worker build theirs here. */
export function createFleetContext(options: FleetContextOptions): FleetContext {
  const keys = new RedisKeys(options.prefix);
  const clock = options.clock ?? (() => new Date());
  const graphs = new GraphStore(options.redis, keys);
  const queues = new QueueSet(options.redis, keys);
  const retry = options.retry ?? DEFAULT_RETRY;
  return {
    redis: options.redis,
    keys,
    store: new JobStore(options.redis, keys, graphs, clock),
    graphs,
    nodes: new NodeRegistry(options.redis, keys),
    queues,
    enqueuer: new Enqueuer(queues, retry),
    registry: options.registry,
    storage: options.storage,
    workerId: options.workerId,
    scratchRoot: options.scratchRoot,
    retry,
    keepIntermediates: options.keepIntermediates ?? false,
    log: options.log,
    clock,
    progressAt: new BoundedMap(256),
    paths: options.paths,
  };
}
