import type { FastifyBaseLogger } from 'fastify';
import type { GpuInfo } from '../cluster/capabilities.js';
import type { Backend } from '../engine/types.js';
import type { PathRoots } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';
import type { Confinement } from './confine.js';
import type { FleetView } from '../runtime/fleet-view.js';
import type { JobTypeDef } from './job-types.js';
import type { ServerMetrics } from './metrics.js';
import type { PoolConfig } from '../config/pools.js';
import type { ScalingService } from './scaling-service.js';
import type { Slots } from './slots.js';

export interface ServerOptions {
  backend: Backend;
  /** Where uploads go; a filesystem storage's uploads folder becomes an input root. */
  storage: Storage;
  fleet: FleetView;
  jobTypes?: readonly JobTypeDef[];
  /**
   * Where job files may be: the runtime's roots (serverRoots), checked at submit and at use. A server
   * always confines: a runtime opened without roots is refused.
   */
  roots: PathRoots | undefined;
  /** Hosts http(s) inputs may come from. */
  allowHosts?: readonly string[];
  /** With a token every endpoint but /healthz and the dashboard shell needs `Authorization: Bearer`. */
  token?: string;
  maxUploadBytes?: number;
  /** Limit for JSON bodies. */
  bodyLimitBytes?: number;
  /** SSE heartbeat comment interval. */
  heartbeatMs?: number;
  /** How much the server takes at once and how long a request may take to arrive. */
  limits?: Partial<ServerLimits>;
  /** A pino logger, or false for none. */
  logger?: FastifyBaseLogger | false;
  /** Folder with the dashboard; false serves none. */
  webRoot?: string | false;
  gpus?: () => Promise<GpuInfo[]>;
  /** framefleet.yaml `pools:`: the scaling API and each job's cost come from them. */
  pools?: readonly PoolConfig[];
}

export interface ServerLimits {
  /** Uploads streaming in at once; more are 429 TOO_MANY_REQUESTS. */
  maxUploads: number;
  /** SSE event streams open at once; more are 429. */
  maxEventStreams: number;
  /** Connections at once (Node's server.maxConnections): more are closed as they come. */
  maxConnections: number;
  /** Time for a request's headers to arrive. */
  headersTimeoutMs: number;
  /** Time for a whole request, an upload's body included, to arrive: a stalled upload frees its slot. */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxUploads: 4,
  maxEventStreams: 64,
  maxConnections: 1024,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 1_800_000,
};

/** What the route plugins share, resolved once when the server is built. */
export interface ServerContext {
  backend: Backend;
  storage: Storage;
  fleet: FleetView;
  jobTypes: readonly JobTypeDef[];
  confinement: Confinement;
  maxUploadBytes: number;
  heartbeatMs: number;
  uploads: Slots;
  eventStreams: Slots;
  metrics: ServerMetrics;
  /** Present when pools are configured. */
  scaling: ScalingService | undefined;
}
