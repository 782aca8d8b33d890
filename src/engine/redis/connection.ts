import { Redis } from 'ioredis';
import type { Logger } from '../types.js';

/**
 * A connection BullMQ can block on: commands wait (instead of failing) while Redis is away, and
 * ioredis reconnects on its own, so workers and submitters survive a Redis restart.
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  // Reconnects are routine; without a listener ioredis would print every refused attempt.
  redis.on('error', () => undefined);
  return redis;
}

/** Warns when Redis may evict keys: a queue that loses keys loses jobs. */
export async function checkEvictionPolicy(redis: Redis, log: Logger): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      log.warn(
        { policy },
        `Redis maxmemory-policy is ${policy}; set it to noeviction, or jobs can be lost under memory pressure`,
      );
    }
    return policy;
  } catch {
    return undefined;
  }
}
