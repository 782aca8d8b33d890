export * from './types.js';
export * from './capabilities.js';
export { Emitter } from './emitter.js';
export { PipelineRegistry } from './registry.js';
export { LocalBackend, type LocalBackendOptions } from './local/local-backend.js';
export { deterministicJobId, jobProgress, canonicalJson } from './job-record.js';
export { runAttempt, backoffMs } from './run-task.js';
export { applyExpansion, effectiveGraph, readyTasks, validateGraph, MAX_TASKS_PER_JOB } from './graph.js';
export { scratchPrefix, usageOf } from './lifecycle.js';
export {
  canServe,
  CONTROL_QUEUE,
  describeRequirements,
  feature,
  parseQueue,
  queueFor,
  queuesFor,
  waitingFor,
} from './routing.js';
export { GpuAssigner, pinFor, type GpuPin } from './gpu-pin.js';
