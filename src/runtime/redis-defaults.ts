/** Where a fleet's Redis is unless told otherwise; a module of its own so `--help` loads no client. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_PREFIX = 'ff';
