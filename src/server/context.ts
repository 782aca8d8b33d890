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
import { SERVER_LIMIT_DEFAULTS } from '../config/server-limits.js';
import type { ScalingService } from './scaling-service.js';
import type { Slots } from './slots.js';
import type { UploadRate } from './upload-rate.js';

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
  /**
   * Addresses and CIDRs of reverse proxies whose X-Forwarded-For names the client (`--trust-proxy`);
   * none by default: every client is its socket's peer.
   */
  trustProxy?: readonly string[];
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
  /** Uploads streaming in at once from one client address; more are 429. */
  maxUploadsPerClient: number;
  /** SSE event streams open at once; more are 429. */
  maxEventStreams: number;
  /** SSE event streams open at once to one client address; more are 429. */
  maxEventStreamsPerClient: number;
  /** Bytes an SSE stream may have waiting for its client (not yet taken by the socket): past it the stream ends. */
  maxEventBufferBytes: number;
  /** Connections at once (Node's server.maxConnections): more are closed as they come. */
  maxConnections: number;
  /** Connections at once from one client address: more are closed as they come. */
  maxConnectionsPerClient: number;
  /** Time for a request's headers to arrive. */
  headersTimeoutMs: number;
  /** Time for a whole request, an upload's body included, to arrive: a stalled upload frees its slot. */
  requestTimeoutMs: number;
  /** An upload slower than this (bytes a second, averaged over the window) is a 408; 0: no minimum. */
  minUploadBytesPerSecond: number;
  /** How far back the upload rate is averaged. */
  uploadRateWindowMs: number;
  /** How long an upload runs before its rate is first judged. */
  uploadRateGraceMs: number;
}

/** The server's limits from framefleet.yaml's units (seconds, KiB/s): the flags' and the defaults'. */
export function serverLimits(s: { [K in keyof typeof SERVER_LIMIT_DEFAULTS]: number }): ServerLimits {
  return {
    maxUploads: s.maxUploads,
    maxUploadsPerClient: s.maxUploadsPerClient,
    maxEventStreams: s.maxEventStreams,
    maxEventStreamsPerClient: s.maxEventStreamsPerClient,
    maxEventBufferBytes: s.maxEventBufferBytes,
    maxConnections: s.maxConnections,
    maxConnectionsPerClient: s.maxConnectionsPerClient,
    headersTimeoutMs: s.headersTimeoutS * 1000,
    requestTimeoutMs: s.requestTimeoutS * 1000,
    minUploadBytesPerSecond: s.minUploadKibPerS * 1024,
    uploadRateWindowMs: s.uploadRateWindowS * 1000,
    uploadRateGraceMs: s.uploadRateGraceS * 1000,
  };
}

export const DEFAULT_LIMITS: ServerLimits = serverLimits(SERVER_LIMIT_DEFAULTS);

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
  /** Minimum upload rate: bytes a second over a window after a grace period (0 bytes: none). */
  uploadRate: UploadRate;
  eventStreams: Slots;
  /** Bytes an event stream may have waiting for a client that does not read; past it the stream ends. */
  maxEventBufferBytes: number;
  metrics: ServerMetrics;
  /** Present when pools are configured. */
  scaling: ScalingService | undefined;
}
