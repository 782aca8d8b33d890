export { RedisBackend, type RedisBackendOptions } from './redis-backend.js';
export { connectRedis, checkEvictionPolicy } from './connection.js';
export { DEFAULT_RETRY, QueueSet, type FleetContext, type RetryPolicy } from './fleet-context.js';
export { flowTree, queuesOf, bullPriority } from './flow-tree.js';
export { JobStore, isTerminal, type JobHeader } from './job-store.js';
export { bullJobId, CONTROL_QUEUE, RedisKeys, type TaskJobData } from './keys.js';
export { fleetCapabilities, NodeRegistry, type NodeInfo, type NodeTask } from './node-registry.js';
export { processFleetJob, PLAN_RECHECK_MS } from './processor.js';
export { waitingFor, unmetParts, missingEncoder } from './waiting-for.js';
