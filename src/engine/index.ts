export * from './types.js';
export { Emitter } from './emitter.js';
export { PipelineRegistry } from './registry.js';
export { LocalBackend, type LocalBackendOptions } from './local/local-backend.js';
export { deterministicJobId, jobProgress, canonicalJson } from './job-record.js';
export { runAttempt, backoffMs } from './run-task.js';
