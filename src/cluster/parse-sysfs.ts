import type { GpuVendor } from './capabilities.js';

const PCI_VENDORS: Record<string, GpuVendor> = {
  '0x10de': 'nvidia',
  '0x1002': 'amd',
  '0x8086': 'intel',
  '0x106b': 'apple',
};

/** Maps /sys/class/drm/card*\/device/vendor ("0x10de\n") to a vendor; undefined for BMCs and virtual adapters. */
export function vendorFromPciId(text: string): GpuVendor | undefined {
  return PCI_VENDORS[text.trim().toLowerCase()];
}

/** The card index of a /sys/class/drm entry ('card0' -> 0); undefined for connectors like 'card0-HDMI-A-1'. */
export function drmCardIndex(name: string): number | undefined {
  const match = /^card(\d+)$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** cgroup v2 cpu.max ("200000 100000" -> 2 cores, "max 100000" -> undefined). */
export function coresFromCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  return coresFromQuota(Number(quota), Number(period ?? 100000));
}

/** cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us (-1 means no limit). */
export function coresFromQuota(quotaUs: number, periodUs: number): number | undefined {
  if (!Number.isFinite(quotaUs) || !Number.isFinite(periodUs) || quotaUs <= 0 || periodUs <= 0)
    return undefined;
  return Math.max(1, Math.ceil(quotaUs / periodUs));
}

/** cgroup memory.max (v2) or memory.limit_in_bytes (v1) in MB; 'max' or a near-2^63 v1 value means none. */
export function memoryMbFromLimit(text: string): number | undefined {
  const bytes = Number(text.trim());
  if (!Number.isFinite(bytes) || bytes <= 0 || bytes >= 2 ** 60) return undefined;
  return Math.floor(bytes / 1024 / 1024);
}
