import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GpuInfo, GpuVendor } from './capabilities.js';
import { NVIDIA_SMI_ARGS, parseNvidiaSmi } from './parse-nvidia-smi.js';
import { parseRocmSmi, ROCM_SMI_ARGS } from './parse-rocm-smi.js';
import { drmCardIndex, vendorFromPciId } from './parse-sysfs.js';
import { parseVainfo, type VainfoReport } from './parse-vainfo.js';
import { runTool, type ToolRunner } from './run-tool.js';

export interface GpuDetectOptions {
  run?: ToolRunner;
  /** Prefix for /sys and /dev, so tests can lay out a fake tree. */
  sysRoot?: string;
  /** Per tool; a hung driver must not hang worker start-up. */
  timeoutMs?: number;
}

export interface GpuDetection {
  gpus: GpuInfo[];
  /** Candidate hwaccels from the drivers seen ('cuda', 'vaapi'); ffmpeg still has to prove them. */
  hwaccels: string[];
}

const VENDOR_NAMES: Record<GpuVendor, string> = {
  nvidia: 'NVIDIA',
  amd: 'AMD',
  intel: 'Intel',
  apple: 'Apple',
};

/**
 * Finds GPUs with the vendor tools (nvidia-smi, rocm-smi) and fills in from /sys/class/drm for
 * vendors whose tool is missing (an AMD box driven through Mesa/VAAPI, an Intel iGPU), with vainfo
 * naming the VAAPI driver. Every probe is optional: a missing tool contributes nothing.
 */
export async function detectGpus(options: GpuDetectOptions = {}): Promise<GpuDetection> {
  const run = options.run ?? runTool;
  const timeoutMs = options.timeoutMs ?? 5000;
  const root = options.sysRoot ?? '/';
  const [nvidiaText, rocmText, cards, vainfo] = await Promise.all([
    run('nvidia-smi', NVIDIA_SMI_ARGS, timeoutMs),
    run('rocm-smi', ROCM_SMI_ARGS, timeoutMs),
    readDrmCards(root),
    probeVaapi(root, run, timeoutMs),
  ]);
  const gpus = [...parseNvidiaSmi(nvidiaText ?? ''), ...parseRocmSmi(rocmText ?? '')];
  const fromTools = new Set(gpus.map((gpu) => gpu.vendor));
  for (const card of cards) {
    if (fromTools.has(card.vendor)) continue;
    const driver = vainfo.find((report) => report.vendor === card.vendor)?.driver;
    gpus.push({
      index: card.index,
      vendor: card.vendor,
      model: driver ?? `${VENDOR_NAMES[card.vendor]} GPU ${card.deviceId}`.trim(),
      vramMb: card.vramMb,
    });
  }
  const hwaccels = new Set<string>();
  if (gpus.some((gpu) => gpu.vendor === 'nvidia') && nvidiaText !== undefined) hwaccels.add('cuda');
  if (vainfo.some((report) => report.decodeProfiles.length > 0)) hwaccels.add('vaapi');
  return { gpus, hwaccels: [...hwaccels].sort() };
}

interface DrmCard {
  index: number;
  vendor: GpuVendor;
  deviceId: string;
  vramMb: number;
}

async function readDrmCards(root: string): Promise<DrmCard[]> {
  const base = path.join(root, 'sys/class/drm');
  const names = await readdir(base).catch(() => [] as string[]);
  const cards: DrmCard[] = [];
  for (const name of names) {
    const index = drmCardIndex(name);
    if (index === undefined) continue;
    const read = (file: string) => readFile(path.join(base, name, 'device', file), 'utf8').catch(() => '');
    const vendor = vendorFromPciId(await read('vendor'));
    if (!vendor) continue;
    // amdgpu exposes its VRAM size here; other drivers do not.
    const vramBytes = Number((await read('mem_info_vram_total')).trim());
    cards.push({
      index,
      vendor,
      deviceId: (await read('device')).trim(),
      vramMb: Number.isFinite(vramBytes) && vramBytes > 0 ? Math.round(vramBytes / 1024 / 1024) : 0,
    });
  }
  return cards.sort((a, b) => a.index - b.index);
}

/** vainfo per render node, on DRM directly so it never waits for an X server. */
async function probeVaapi(root: string, run: ToolRunner, timeoutMs: number): Promise<VainfoReport[]> {
  const dri = path.join(root, 'dev/dri');
  const nodes = (await readdir(dri).catch(() => [] as string[]))
    .filter((name) => /^renderD\d+$/.test(name))
    .sort();
  const reports: VainfoReport[] = [];
  for (const node of nodes) {
    const text = await run('vainfo', ['--display', 'drm', '--device', path.join(dri, node)], timeoutMs);
    if (text !== undefined) reports.push(parseVainfo(text));
  }
  return reports;
}
