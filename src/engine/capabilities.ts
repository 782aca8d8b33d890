/**
 * What workers can do, as the engine routes on it. cluster/ detects these (hardware probes, smoke
 * encodes, declared config) and imports the types from here, never the other way round.
 */

export type GpuVendor = 'nvidia' | 'amd' | 'intel' | 'apple';

/** The device class a task runs on; each is a pool of its own. */
export type DeviceClass = 'cpu' | GpuVendor;

export const GPU_VENDORS = ['nvidia', 'amd', 'intel', 'apple'] as const satisfies readonly GpuVendor[];
export const DEVICE_CLASSES = ['cpu', ...GPU_VENDORS] as const satisfies readonly DeviceClass[];

export interface GpuInfo {
  /** The vendor's own index: the CUDA/NVML index for NVIDIA, the DRM card number otherwise. */
  index: number;
  vendor: GpuVendor;
  model: string;
  /** 0 when unknown or shared with the system (integrated GPUs). */
  vramMb: number;
  utilizationPct?: number;
}

/** What one worker can do; workers register this and consume the queues it can serve. */
export interface Capabilities {
  workerId?: string;
  hostname: string;
  cores: number;
  memoryMb: number;
  gpus: GpuInfo[];
  /** Encoders that passed a smoke encode on this machine (filled by the caller), or declared. */
  encoders: string[];
  hwaccels: string[];
  /**
   * Other named features this worker offers beyond its encoders and hwaccels, declared or detected:
   * `proc:upscale` (a configured processor), `font:DejaVu Sans`.
   */
  features?: string[];
  labels: Record<string, string>;
  /** Largest frame (width x height) this worker takes; unlimited when absent. */
  maxPixels?: number;
  /**
   * `framefleet calibrate` measured two x264 encodes at once finishing 1080p sooner on this machine
   * than one with every core (absent: not measured, one encode).
   */
  measuredPairs?: boolean;
}
