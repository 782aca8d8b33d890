import type { GpuInfo } from './capabilities.js';

export const ROCM_SMI_ARGS = ['--showproductname', '--showmeminfo', 'vram', '--json'] as const;

/**
 * Parses `rocm-smi --showproductname --showmeminfo vram --json`: {"card0": {"Card series": ...,
 * "VRAM Total Memory (B)": "17163091968", ...}}. Field names vary between ROCm releases ("Card
 * series" / "Card Series" / "Device Name"), so keys are matched without case; warnings printed
 * before the JSON are skipped. Returns [] for anything unreadable.
 */
export function parseRocmSmi(text: string): GpuInfo[] {
  const start = text.indexOf('{');
  if (start === -1) return [];
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start));
  } catch {
    return [];
  }
  if (!isRecord(data)) return [];
  const gpus: GpuInfo[] = [];
  for (const [card, value] of Object.entries(data)) {
    const match = /^card(\d+)$/i.exec(card);
    if (!match || !isRecord(value)) continue;
    const field = (...names: string[]) => {
      for (const name of names) {
        const key = Object.keys(value).find((k) => k.toLowerCase() === name);
        const found = key === undefined ? undefined : value[key];
        if (typeof found === 'string' && found.trim() !== '' && found.trim() !== 'N/A') return found.trim();
      }
      return undefined;
    };
    const bytes = Number(field('vram total memory (b)'));
    gpus.push({
      index: Number(match[1]),
      vendor: 'amd',
      model: field('card series', 'device name', 'card model', 'card sku') ?? 'AMD GPU',
      vramMb: Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes / 1024 / 1024) : 0,
    });
  }
  return gpus.sort((a, b) => a.index - b.index);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
