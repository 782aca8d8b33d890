export { buildServer, DEFAULT_WEB_ROOT } from './build-server.js';
export type { ServerOptions } from './context.js';
export { assertSafeBind, bearerMatches, isLoopback } from './auth.js';
export { canonicalRoots, confineInput, confineOutput, confineUrl } from './confine.js';
export { DEFAULT_JOB_TYPES, type JobTypeDef } from './job-types.js';
