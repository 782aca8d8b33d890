import type { GpuInfo } from './capabilities.js';

/**
 * Pins a GPU task to one device. NVIDIA: CUDA_VISIBLE_DEVICES holds only that device, so NVENC,
 * NVDEC and CUDA filters in the child ffmpeg all use it. VAAPI and QSV (AMD, Intel): the DRM
 * render node of the card, by the kernel's usual numbering (card N is renderD(128+N)).
 */
export interface GpuPin {
  gpu: GpuInfo;
  /** Environment for the child process. */
  env: Record<string, string>;
  /** Render node for -vaapi_device / -qsv_device; undefined for NVIDIA. */
  renderNode: string | undefined;
}

/** How a task on `gpu` is pinned to it. Pure. */
export function pinFor(gpu: GpuInfo): GpuPin {
  if (gpu.vendor === 'nvidia') {
    return { gpu, env: { CUDA_VISIBLE_DEVICES: String(gpu.index) }, renderNode: undefined };
  }
  return { gpu, env: {}, renderNode: `/dev/dri/renderD${128 + gpu.index}` };
}

/**
 * Hands each GPU task the device with the fewest running tasks (lowest index on ties), so slots
 * spread over a worker's GPUs and each encode stays on one device.
 */
export class GpuAssigner {
  private readonly running = new Map<number, number>();

  constructor(private readonly gpus: readonly GpuInfo[]) {}

  take(): GpuPin | undefined {
    let best: GpuInfo | undefined;
    for (const gpu of this.gpus) {
      if (!best || this.load(gpu) < this.load(best)) best = gpu;
    }
    if (!best) return undefined;
    this.running.set(best.index, this.load(best) + 1);
    return pinFor(best);
  }

  give(pin: GpuPin | undefined): void {
    if (pin) this.running.set(pin.gpu.index, Math.max(0, this.load(pin.gpu) - 1));
  }

  /** Tasks now running on each device, by index. */
  loads(): Record<number, number> {
    return Object.fromEntries(this.gpus.map((g) => [g.index, this.load(g)]));
  }

  private load(gpu: GpuInfo): number {
    return this.running.get(gpu.index) ?? 0;
  }
}
