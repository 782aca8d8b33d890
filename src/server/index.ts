export { buildServer, DEFAULT_WEB_ROOT } from './build-server.js';
export type { ServerOptions } from './context.js';
export { assertSafeBind, bearerMatches, isLoopback } from './auth.js';
export { canonicalRoots, confineInput, confineOutput, confineUrl } from './confine.js';
export {
  LocalFleetView,
  queueDepths,
  type FleetView,
  type NodeInfo,
  type QueuesReport,
} from './fleet-view.js';
export { DEFAULT_JOB_TYPES, transcodeJobType, type JobTypeDef } from './job-types.js';
export { openLocalServerRuntime, type ServerRuntime } from './local-runtime.js';
