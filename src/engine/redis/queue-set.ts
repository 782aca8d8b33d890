import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/** Retry policy shared by the backend (when it adds tasks) and the workers (when they decide). */
export interface RetryPolicy {
  attempts: number;
  backoffBaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffBaseMs: 1000 };

/** BullMQ queues by name on one connection, created on first use and closed together. */
export class QueueSet {
  private readonly queues = new Map<string, Queue>();
  private readonly announced = new Set<string>();

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

  /**
   * Records pool queues as in use and tells workers, so one that serves a processor pool starts
   * consuming it; each name is announced once per process.
   */
  async announce(names: readonly string[]): Promise<void> {
    const fresh = names.filter((n) => !this.announced.has(n));
    if (fresh.length === 0) return;
    const added = await this.redis.sadd(this.keys.queues, ...fresh);
    for (const name of fresh) this.announced.add(name);
    if (added > 0) await this.redis.publish(this.keys.queueAdded, fresh.join(','));
  }

  async inUse(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.queues)).sort();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
