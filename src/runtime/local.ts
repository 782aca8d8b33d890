import { ensureDataDir } from './data-dir.js';
import { detectCapabilities } from '../cluster/capabilities.js';
import { detectGpus } from '../cluster/gpu-detect.js';
import type { Capabilities } from '../engine/capabilities.js';
import { LocalBackend } from '../engine/local/local-backend.js';
import type { RetryPolicy } from '../engine/redis/queue-set.js';
import { PipelineRegistry } from '../engine/registry.js';
import type { FleetCapabilities, Logger, Pipeline } from '../engine/types.js';
import { ENCODERS, encoderByName } from '../media/encoders/catalogue.js';
import { binariesIdentity, ensureFfmpeg } from '../media/binaries.js';
import { userCacheDir } from '../media/user-cache.js';
import { detectEncoders, smokeCacheIn } from '../media/hardware.js';
import { FileStorage } from '../storage/file-storage.js';
import { fixedPolicy, serverRoots } from '../storage/path-policy.js';
import type { Storage } from '../storage/types.js';
import type { Processors } from '../pipelines/transcode/index.js';
import { readProfile } from '../pipelines/transcode/machine-profile.js';
import { buildFingerprint } from './build-fingerprint.js';
import { LocalFleetView } from './fleet-view.js';
import { processorPipelines, withProcessorFeatures } from './processors.js';
import { cached, type Runtime, type RuntimeOptions } from './runtime.js';

export { defaultDataDir } from './local-defaults.js';

/**
 * This machine as the embedded engine sees it: its GPUs and hwaccels, and the encoders that pass a
 * smoke encode here (only `candidates` are tried when given). With `cacheDir`, results and the
 * build's listings are remembered for a day: in the user's cache folder under the binaries'
 * identity (so every data dir of this user shares them), else in `cacheDir` under the version.
 */
export async function machineCapabilities(
  candidates: readonly string[] | undefined,
  cacheDir?: string,
  requested?: string,
  withProcessors = true,
): Promise<Capabilities> {
  const [version, identity] = await Promise.all([ensureFfmpeg(), binariesIdentity()]);
  const cache =
    cacheDir === undefined
      ? undefined
      : identity
        ? smokeCacheIn(userCacheDir(), identity)
        : smokeCacheIn(cacheDir, version.text);
  // A named CPU encoder needs no GPU: the vendor tools are not started (no processors configured).
  const cpuOnly = encoderByName(requested ?? '')?.device === 'cpu' && !withProcessors;
  const [detected, inventory] = await Promise.all([
    detectCapabilities(cpuOnly ? { declared: { detect: false } } : {}),
    detectEncoders(candidates, cache, requested),
  ]);
  const profile = await readProfile(detected.cores, identity);
  return {
    ...detected,
    encoders: inventory.proven,
    ...(profile ? { measuredPairs: profile.pairs } : {}),
  };
}

/** What one machine can run, as a planner sees a fleet. Pure. */
export function asFleet(machine: Capabilities, slots: number, fixedSlots = false): FleetCapabilities {
  const devices = new Set<FleetCapabilities['devices'][number]>(['cpu']);
  for (const gpu of machine.gpus) devices.add(gpu.vendor);
  for (const name of machine.encoders) devices.add(ENCODERS.find((e) => e.name === name)?.device ?? 'cpu');
  return {
    encoders: machine.encoders,
    hwaccels: machine.hwaccels,
    features: machine.features ?? [],
    devices: [...devices],
    slots,
    // The planner's cores: the machine's (cgroup limits included), never more than its slots unless fixed.
    machineCores: fixedSlots ? machine.cores : Math.min(machine.cores, slots),
    ...(fixedSlots ? { fixedSlots } : {}),
    ...(machine.measuredPairs === undefined ? {} : { measuredPairs: machine.measuredPairs }),
  };
}

/** The embedded default: local backend with in-process slots, state in the data dir. */
export async function openLocalRuntime(
  options: RuntimeOptions,
  registry: PipelineRegistry,
): Promise<Runtime> {
  const storage: Storage = options.storageUrl
    ? // The S3 client loads only for a runtime that stores in a bucket.
      (await import('../storage/index.js')).openStorage(options.storageUrl)
    : new FileStorage(options.dataDir);
  // Resumed jobs too are held to the roots of this run, not those they were submitted under.
  const roots =
    options.roots &&
    (await serverRoots(storage, options.roots.input, options.roots.output, [options.dataDir], (m) =>
      options.log?.warn(m),
    ));
  const gpu = options.gpuSlots ?? 2;
  const slots = { cpu: options.cpuSlots, nvidia: gpu, amd: gpu, intel: gpu, apple: gpu };
  let machine: Promise<Capabilities> | undefined;
  const capabilities = () =>
    (machine ??= machineCapabilities(
      options.candidates,
      options.cacheSmokeTests ? options.dataDir : undefined,
    ).then((c) => withProcessorFeatures(c, options.processors)));
  const backend = await LocalBackend.open({
    dataDir: options.dataDir,
    registry,
    storage,
    capabilities: async () => asFleet(await capabilities(), options.cpuSlots),
    slots,
    log: options.log,
    keepIntermediates: options.keepIntermediates,
    resume: options.resume,
    removeWaitMs: options.removeWaitMs,
    ...retryOptions(options.retry),
    paths: roots && fixedPolicy(roots),
    build: buildFingerprint(),
  });
  const fleet = new LocalFleetView({ backend, slots, sampleMs: options.sampleMs, capabilities });
  return {
    mode: 'local',
    backend,
    storage,
    registry,
    fleet,
    gpus: cached(async () => (await detectGpus()).gpus, 10_000),
    roots,
    async close() {
      fleet.close();
      await backend.close();
      storage.close?.();
    },
  };
}

export interface LocalBackendOptions {
  dataDir: string;
  cpuSlots: number;
  /** Concurrent GPU encodes per vendor (NVENC session limits). */
  gpuSlots?: number;
  log: Logger;
  candidates?: readonly string[];
  /** The encoder the command named, if any: proven first and alone (see detectEncoders). */
  requested?: string;
  /** `cpuSlots` is the user's (--workers): that many encodes at once, not the planner's choice. */
  fixedSlots?: boolean;
  keepIntermediates?: boolean;
  resume?: boolean;
  /** `retry:` in framefleet.yaml; default 3 attempts from 1 s. */
  retry?: RetryPolicy;
  /** Configured processors: this machine offers those whose requirements it meets. */
  processors?: Processors;
  /**
   * The job types this backend runs (default: every one). A command that runs one job type names
   * its pipeline: the others (render, montage, analysis, and their spec schemas) are not loaded,
   * a tenth of a second of a short job's start.
   */
  pipelines?: readonly Pipeline[];
}

/** The embedded default's backend alone, wired with real parts (file storage in the data dir, proven encoders). */
export async function openLocalBackend(options: LocalBackendOptions): Promise<LocalBackend> {
  await ensureDataDir(options.dataDir);
  const gpu = options.gpuSlots ?? 2;
  let machine: Promise<Capabilities> | undefined;
  return LocalBackend.open({
    dataDir: options.dataDir,
    registry: new PipelineRegistry([
      ...(options.pipelines ?? (await import('../pipelines/job-types.js')).allPipelines()),
      ...processorPipelines(options.processors),
    ]),
    storage: new FileStorage(options.dataDir),
    capabilities: async () =>
      asFleet(
        withProcessorFeatures(
          await (machine ??= machineCapabilities(
            options.candidates,
            options.dataDir,
            options.requested,
            Object.keys(options.processors ?? {}).length > 0,
          )),
          options.processors,
        ),
        options.cpuSlots,
        options.fixedSlots,
      ),
    slots: { cpu: options.cpuSlots, nvidia: gpu, amd: gpu, intel: gpu, apple: gpu },
    log: options.log,
    keepIntermediates: options.keepIntermediates,
    resume: options.resume,
    ...retryOptions(options.retry),
    build: buildFingerprint(),
  });
}

/** A retry policy as the embedded engine's options name it. Pure. */
function retryOptions(retry: RetryPolicy | undefined): { maxAttempts?: number; backoffBaseMs?: number } {
  return retry ? { maxAttempts: retry.attempts, backoffBaseMs: retry.backoffBaseMs } : {};
}
