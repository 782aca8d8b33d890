import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PathPolicy } from '../../storage/path-policy.js';
import type { Storage } from '../../storage/types.js';
import type { PipelineRegistry } from '../registry.js';
import type { Logger } from '../types.js';
import { JobStore } from './job-store.js';
import { RedisKeys } from './keys.js';
import { NodeRegistry } from './node-registry.js';

/** Retry policy shared by the backend (when it adds flows) and the workers (when they decide). */
export interface RetryPolicy {
  attempts: number;
  backoffBaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffBaseMs: 1000 };

/** BullMQ queues by name on one connection, created on first use and closed together. */
export class QueueSet {
  private readonly queues = new Map<string, Queue>();
  private flowProducer: FlowProducer | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.keys.prefix });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  get flow(): FlowProducer {
    if (!this.flowProducer) {
      this.flowProducer = new FlowProducer({ connection: this.redis, prefix: this.keys.prefix });
      this.flowProducer.on('error', () => undefined);
    }
    return this.flowProducer;
  }

  /** Records queue names as in use and tells workers, so one that can serve them starts consuming. */
  async announce(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const added = await this.redis.sadd(this.keys.queues, ...names);
    if (added > 0) await this.redis.publish(this.keys.queueAdded, names.join(','));
  }

  async inUse(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.queues)).sort();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.flowProducer?.close();
    this.queues.clear();
  }
}

/** Everything the plan and task steps need from the world, wired once per process. */
export interface FleetContext {
  redis: Redis;
  keys: RedisKeys;
  store: JobStore;
  nodes: NodeRegistry;
  queues: QueueSet;
  registry: PipelineRegistry;
  storage: Storage;
  workerId: string;
  scratchRoot: string;
  retry: RetryPolicy;
  keepIntermediates: boolean;
  log: Logger;
  clock: () => Date;
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
  return {
    redis: options.redis,
    keys,
    store: new JobStore(options.redis, keys, clock),
    nodes: new NodeRegistry(options.redis, keys),
    queues: new QueueSet(options.redis, keys),
    registry: options.registry,
    storage: options.storage,
    workerId: options.workerId,
    scratchRoot: options.scratchRoot,
    retry: options.retry ?? DEFAULT_RETRY,
    keepIntermediates: options.keepIntermediates ?? false,
    log: options.log,
    clock,
    paths: options.paths,
  };
}
