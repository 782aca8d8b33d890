/**
 * How long a command's first connection may take before it says Redis is unreachable (config:
 * `redis.connectTimeoutMs`). A module of its own, without a client, so the config schema loads none.
 */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;
