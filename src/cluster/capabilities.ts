import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { DeclaredCapabilities } from './capability-config.js';
import { detectGpus, type GpuDetectOptions } from './gpu-detect.js';
import { coresFromCpuMax, coresFromQuota, memoryMbFromLimit } from './parse-sysfs.js';

import type { Capabilities } from '../engine/capabilities.js';

export type { Capabilities, GpuInfo, GpuVendor } from '../engine/capabilities.js';

export interface DetectOptions extends GpuDetectOptions {
  workerId?: string;
  /** Declared capabilities win over detected ones (see applyDeclared). */
  declared?: DeclaredCapabilities;
}

/**
 * Detects cores and memory (respecting cgroup limits in containers) and GPUs, then applies the
 * declared capabilities. `declared.detect: false` skips the GPU probes entirely (tests, fixed pools).
 */
export async function detectCapabilities(options: DetectOptions = {}): Promise<Capabilities> {
  const declared = options.declared ?? {};
  const root = options.sysRoot ?? '/';
  const [limits, gpus] = await Promise.all([
    readCgroupLimits(root),
    declared.detect === false ? { gpus: [], hwaccels: [] } : detectGpus(options),
  ]);
  const cores = Math.min(os.availableParallelism(), limits.cores ?? Infinity);
  const memoryMb = Math.min(Math.floor(os.totalmem() / 1024 / 1024), limits.memoryMb ?? Infinity);
  const detected: Capabilities = {
    ...(options.workerId ? { workerId: options.workerId } : {}),
    hostname: os.hostname(),
    cores,
    memoryMb,
    gpus: gpus.gpus,
    encoders: [],
    hwaccels: gpus.hwaccels,
    labels: {},
  };
  return applyDeclared(detected, declared);
}

/**
 * Declared values override detected ones: scalars and lists (gpus, encoders, hwaccels) replace,
 * labels merge. "Offer only h264_nvenc" is `encoders: [h264_nvenc]`.
 */
export function applyDeclared(detected: Capabilities, declared: DeclaredCapabilities): Capabilities {
  const result: Capabilities = {
    ...detected,
    gpus: (declared.gpus ?? detected.gpus).map((gpu) => ({ ...gpu })),
    encoders: [...(declared.encoders ?? detected.encoders)],
    hwaccels: [...(declared.hwaccels ?? detected.hwaccels)],
    features: [...new Set([...(detected.features ?? []), ...(declared.features ?? [])])],
    labels: { ...detected.labels, ...declared.labels },
  };
  if (declared.workerId !== undefined) result.workerId = declared.workerId;
  if (declared.hostname !== undefined) result.hostname = declared.hostname;
  if (declared.cores !== undefined) result.cores = declared.cores;
  if (declared.memoryMb !== undefined) result.memoryMb = declared.memoryMb;
  if (declared.maxPixels !== undefined) result.maxPixels = declared.maxPixels;
  return result;
}

async function readCgroupLimits(root: string): Promise<{ cores?: number; memoryMb?: number }> {
  const read = (file: string) =>
    readFile(`${root.replace(/\/$/, '')}/sys/fs/cgroup/${file}`, 'utf8').catch(() => '');
  const [cpuMax, quota, period, memoryMax, memoryLimit] = await Promise.all([
    read('cpu.max'),
    read('cpu/cpu.cfs_quota_us'),
    read('cpu/cpu.cfs_period_us'),
    read('memory.max'),
    read('memory/memory.limit_in_bytes'),
  ]);
  const cores = cpuMax ? coresFromCpuMax(cpuMax) : coresFromQuota(Number(quota), Number(period));
  const memoryMb = memoryMbFromLimit(memoryMax || memoryLimit);
  return { ...(cores ? { cores } : {}), ...(memoryMb ? { memoryMb } : {}) };
}
