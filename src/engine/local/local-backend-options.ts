import type { DeviceClass } from '../capabilities.js';
import type { PipelineRegistry } from '../registry.js';
import type { FleetCapabilities, Logger } from '../types.js';
import type { PathPolicy } from '../../storage/path-policy.js';
import type { Storage } from '../../storage/types.js';

/** What the embedded engine (LocalBackend) is opened with. */
export interface LocalBackendOptions {
  dataDir: string;
  registry: PipelineRegistry;
  storage: Storage;
  /** What this machine can run; asked once, when the first job is planned. */
  capabilities: () => Promise<FleetCapabilities>;
  /** Concurrent tasks per device class; cpu defaults to the core count. */
  slots?: Partial<Record<DeviceClass, number>>;
  log: Logger;
  maxAttempts?: number;
  backoffBaseMs?: number;
  keepIntermediates?: boolean;
  clock?: () => Date;
  workerId?: string;
  /** Confines each job's files where they are opened (a server's roots); absent: unconfined. */
  paths?: PathPolicy;
  /** The build of framefleet this process runs, kept with each job it runs (see LocalJob.ranUnderOtherBuild). */
  build?: string;
  /** How long a remove waits for a cancelled job's tasks to stop before a 409 (default REMOVE_WAIT_MS). */
  removeWaitMs?: number;
}
