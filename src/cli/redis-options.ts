import { InvalidArgumentError, type Command } from 'commander';
import { FramefleetError } from '../errors.js';
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

export interface FleetFlags {
  redis?: string;
  prefix: string;
  storage?: string;
  /** Absent unless given: only the fleet's queue orders jobs by it. */
  priority?: number;
  detach?: boolean;
}

/**
 * `--redis` and its companions on a job command: without `--redis` the job runs on the embedded
 * engine in this process; with it, on the fleet (workers share `--storage`).
 */
export function fleetOptions(command: Command): Command {
  return command
    .option('--redis <url>', 'run on the fleet through this Redis instead of in this process')
    .option('--prefix <prefix>', 'with --redis: the Redis key prefix', prefixDefault())
    .option(
      '--storage <url>',
      'with --redis: storage every worker reaches, file:///shared/path or s3://bucket/prefix',
    )
    .option('--priority <n>', 'with --redis: higher runs first (default: 0)', (v) => priorityOption(v))
    .option('--detach', 'with --redis: only enqueue and print the job id');
}

function priorityOption(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < -1000 || n > 1000) {
    throw new InvalidArgumentError(
      `expected --priority to be an integer from -1000 to 1000, got \`${value}\``,
    );
  }
  return n;
}

/** The fleet flags as the fleet job runner takes them; a missing --storage is a usage error. */
export function fleetRun(
  flags: FleetFlags,
): { redisUrl: string; prefix: string; storageUrl: string; priority: number; detach?: boolean } | undefined {
  if (!flags.redis) {
    for (const [name, given] of [
      ['--storage', flags.storage],
      ['--detach', flags.detach],
    ] as const) {
      if (given)
        throw new FramefleetError(
          'INVALID_ARGUMENT',
          `${name} needs --redis (the job would run in this process)`,
        );
    }
    if (flags.priority !== undefined) {
      // One job in this process starts at once: there is no queue for a priority to order.
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `--priority ${flags.priority} needs --redis (the job would run in this process, where nothing waits in a queue)`,
      );
    }
    return undefined;
  }
  if (!flags.storage) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      '--redis needs --storage: the storage every worker reaches (file:///shared/path or s3://bucket/prefix)',
    );
  }
  return {
    redisUrl: flags.redis,
    prefix: flags.prefix,
    storageUrl: flags.storage,
    priority: flags.priority ?? 0,
    detach: flags.detach,
  };
}
