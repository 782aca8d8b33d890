import { mkdir } from 'node:fs/promises';
import { detectCapabilities, type GpuInfo } from '../cluster/capabilities.js';
import { detectGpus } from '../cluster/gpu-detect.js';
import { LocalBackend } from '../engine/local/local-backend.js';
import { PipelineRegistry } from '../engine/registry.js';
import type { Backend, FleetCapabilities, Logger, Pipeline } from '../engine/types.js';
import { allPipelines, localCapabilities } from '../runtime/local.js';
import { FileStorage } from '../storage/file-storage.js';
import { openStorage } from '../storage/index.js';
import { fixedPolicy, type PathRoots } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';
import { serverRoots } from './confine.js';
import { LocalFleetView, type FleetView } from './fleet-view.js';

export interface LocalServerRuntimeOptions {
  dataDir: string;
  /** Storage for uploads and intermediates; the data dir when absent. */
  storageUrl?: string;
  cpuSlots: number;
  gpuSlots?: number;
  /** The server's --input-root/--output-root: every job file is checked against them when opened. */
  inputRoots: readonly string[];
  outputRoots: readonly string[];
  log: Logger;
  /** Extra job types (benchmarks register a no-op type); the real pipelines are always there. */
  extraPipelines?: Pipeline[];
  sampleMs?: number;
}

export interface ServerRuntime {
  backend: Backend;
  storage: Storage;
  fleet: FleetView;
  gpus: () => Promise<GpuInfo[]>;
  /** Canonical roots (uploads included) the runtime confines jobs to; the API checks them at submit. */
  roots: PathRoots;
  close(): Promise<void>;
}

/** Runs `fn` at most once per `ttlMs`, sharing the answer; nvidia-smi is not free. */
export function cached<T>(fn: () => Promise<T>, ttlMs: number): () => Promise<T> {
  let at = 0;
  let value: Promise<T> | undefined;
  return () => {
    if (!value || Date.now() - at > ttlMs) {
      at = Date.now();
      value = fn();
    }
    return value;
  };
}

/** The embedded default: local backend with in-process slots, state in the data dir, resuming on open. */
export async function openLocalServerRuntime(options: LocalServerRuntimeOptions): Promise<ServerRuntime> {
  await mkdir(options.dataDir, { recursive: true });
  const storage: Storage = options.storageUrl
    ? openStorage(options.storageUrl)
    : new FileStorage(options.dataDir);
  // Resumed jobs too are held to the roots of this run of the server, not those they were submitted under.
  const roots = await serverRoots(storage, options.inputRoots, options.outputRoots);
  const gpu = options.gpuSlots ?? 2;
  const slots = { cpu: options.cpuSlots, nvidia: gpu, amd: gpu, intel: gpu, apple: gpu };
  let proven: Promise<FleetCapabilities> | undefined;
  const fleetCaps = () => (proven ??= localCapabilities(undefined, options.cpuSlots));
  const backend = await LocalBackend.open({
    dataDir: options.dataDir,
    registry: new PipelineRegistry([...allPipelines(), ...(options.extraPipelines ?? [])]),
    storage,
    capabilities: fleetCaps,
    slots,
    log: options.log,
    resume: true,
    paths: fixedPolicy(roots),
  });
  const gpus = cached(async () => (await detectGpus()).gpus, 10_000);
  const fleet = new LocalFleetView({
    backend,
    slots,
    sampleMs: options.sampleMs,
    capabilities: async () => {
      const [caps, fleetView] = await Promise.all([detectCapabilities(), fleetCaps()]);
      return { ...caps, encoders: fleetView.encoders, hwaccels: fleetView.hwaccels };
    },
  });
  return {
    backend,
    storage,
    fleet,
    gpus,
    roots,
    async close() {
      fleet.close();
      await backend.close();
      storage.close?.();
    },
  };
}
