import type { Command } from 'commander';
import { DEFAULT_PREFIX, DEFAULT_REDIS_URL } from '../runtime/redis-defaults.js';

/** The options every fleet command shares: which Redis, and which key prefix on it. */
export function withRedisOptions(command: Command): Command {
  return command
    .option('--redis <url>', 'Redis URL', process.env.REDIS_URL ?? DEFAULT_REDIS_URL)
    .option('--prefix <prefix>', 'Redis key prefix', prefixDefault());
}

/** The key prefix a fleet deployment uses unless told otherwise. */
export function prefixDefault(): string {
  return process.env.FRAMEFLEET_PREFIX ?? DEFAULT_PREFIX;
}
