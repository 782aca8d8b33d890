import { Redis } from 'ioredis';
import { FramefleetError, maskUrl, show } from '../../errors.js';
import type { Logger } from '../types.js';

import { REDIS_CONNECT_TIMEOUT_MS } from './connect-timeout.js';

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

/**
 * connectRedis, once Redis has answered: an unreachable Redis is REDIS_UNREACHABLE (exit 2) within
 * `timeoutMs` instead of a command that waits forever. Only the first connect fails fast; the
 * connection returned reconnects after a Redis restart like any other.
 */
export async function openRedis(url: string, timeoutMs = REDIS_CONNECT_TIMEOUT_MS): Promise<Redis> {
  const why = await redisUnreachable(url, timeoutMs);
  if (why !== undefined) {
    throw new FramefleetError('REDIS_UNREACHABLE', `Redis at ${show(maskUrl(url))} is unreachable (${why})`, {
      details: { timeoutMs },
    });
  }
  return connectRedis(url);
}

/**
 * The one test of "Redis is reachable": one PING with a short timeout and no retries; the reason
 * (ECONNREFUSED, ENOTFOUND, a timeout, NOAUTH...) when it fails.
 */
export async function redisUnreachable(url: string, timeoutMs = 1500): Promise<string | undefined> {
  // ioredis throws "Invalid URL" from its constructor, and takes any other text for a host name.
  const notUrl = redisUrlProblem(url);
  if (notUrl) return notUrl;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: unknown;
  redis.on('error', (error) => (cause ??= error));
  // connectTimeout covers the TCP connect only: a server that accepts and never answers is timed here.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        await redis.connect();
        await redis.ping();
      })(),
      timeout,
    ]);
    return undefined;
  } catch (thrown) {
    // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than "Connection is closed".
    const error = cause ?? thrown;
    const code = (error as { code?: string }).code;
    return code ?? (error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/**
 * Why `url` is no Redis address (undefined when it is one): a redis:// or rediss:// URL, or the
 * absolute path of a Unix socket.
 */
export function redisUrlProblem(url: string): string | undefined {
  if (url.startsWith('/')) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL: redis://host:port, rediss://host:port or a socket path';
  }
  return parsed.protocol === 'redis:' || parsed.protocol === 'rediss:'
    ? undefined
    : `${parsed.protocol}// is not Redis: redis:// or rediss://`;
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
