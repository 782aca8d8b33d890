import { mkdir } from 'node:fs/promises';
import { LocalBackend } from '../engine/local/local-backend.js';
import { PipelineRegistry } from '../engine/registry.js';
import type { FleetCapabilities, Logger, Pipeline } from '../engine/types.js';
import { ENCODERS } from '../media/encoders/catalogue.js';
import { ensureFfmpeg } from '../media/binaries.js';
import { detectEncoders, smokeCacheIn } from '../media/hardware.js';
import { analyzePipelines } from '../pipelines/analyze/index.js';
import { transcodePipeline } from '../pipelines/transcode/index.js';
import { FileStorage } from '../storage/file-storage.js';

/** Every job type framefleet knows; both backends and the server register exactly these. */
export function allPipelines(): Pipeline[] {
  return [transcodePipeline as Pipeline, ...(analyzePipelines as Pipeline[])];
}

export { defaultDataDir } from './local-defaults.js';

/** This machine's proven encoders as fleet capabilities; only `candidates` are smoke-tested. */
export async function localCapabilities(
  candidates: readonly string[] | undefined,
  slots: number,
  cacheDir?: string,
): Promise<FleetCapabilities> {
  const version = await ensureFfmpeg();
  const inventory = await detectEncoders(
    candidates,
    cacheDir ? smokeCacheIn(cacheDir, version.text) : undefined,
  );
  const devices = new Set<FleetCapabilities['devices'][number]>(['cpu']);
  for (const name of inventory.proven) devices.add(ENCODERS.find((e) => e.name === name)?.device ?? 'cpu');
  return { encoders: inventory.proven, hwaccels: inventory.hwaccels, devices: [...devices], slots };
}

export interface LocalRuntimeOptions {
  dataDir: string;
  cpuSlots: number;
  /** Concurrent GPU encodes per vendor (NVENC session limits). */
  gpuSlots?: number;
  log: Logger;
  candidates?: readonly string[];
  keepIntermediates?: boolean;
  resume?: boolean;
}

/** The embedded default wired with real parts: file storage in the data dir, proven encoders. */
export async function openLocalBackend(options: LocalRuntimeOptions): Promise<LocalBackend> {
  await mkdir(options.dataDir, { recursive: true });
  const gpu = options.gpuSlots ?? 2;
  return LocalBackend.open({
    dataDir: options.dataDir,
    registry: new PipelineRegistry(allPipelines()),
    storage: new FileStorage(options.dataDir),
    capabilities: () => localCapabilities(options.candidates, options.cpuSlots, options.dataDir),
    slots: { cpu: options.cpuSlots, nvidia: gpu, amd: gpu, intel: gpu, apple: gpu },
    log: options.log,
    keepIntermediates: options.keepIntermediates,
    resume: options.resume,
  });
}
