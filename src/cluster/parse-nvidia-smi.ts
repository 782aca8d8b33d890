import type { GpuInfo } from './capabilities.js';

/** The query whose output parseNvidiaSmi reads. */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,name,memory.total,utilization.gpu',
  '--format=csv,noheader,nounits',
] as const;

/**
 * Parses `nvidia-smi --query-gpu=index,name,memory.total,utilization.gpu --format=csv,noheader,nounits`:
 * one line per GPU, e.g. "0, NVIDIA GeForce RTX 3090, 24576, 3". Values nvidia-smi cannot read
 * come out as "[N/A]" or "[Not Supported]"; they become 0 VRAM / no utilization.
 */
export function parseNvidiaSmi(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length < 4) continue;
    // The name is everything between the index and the last two numbers, commas included.
    const index = Number(fields[0]);
    const name = fields.slice(1, -2).join(', ');
    if (!Number.isInteger(index) || index < 0 || name === '') continue;
    const vram = Number(fields[fields.length - 2]);
    const utilization = Number(fields[fields.length - 1]);
    gpus.push({
      index,
      vendor: 'nvidia',
      model: name,
      vramMb: Number.isFinite(vram) && vram > 0 ? Math.round(vram) : 0,
      ...(Number.isFinite(utilization) && fields[fields.length - 1] !== ''
        ? { utilizationPct: utilization }
        : {}),
    });
  }
  return gpus;
}
