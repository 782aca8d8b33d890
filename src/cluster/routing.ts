import type { Requirements } from '../engine/types.js';
import { FramefleetError, show } from '../errors.js';
import type { Capabilities, GpuVendor } from './capabilities.js';

/**
 * Queue names are built from requirements: 'ff.cpu', 'ff.enc=h264_nvenc', 'ff.nvidia.vram=8000'.
 * Parts are joined by '.', because BullMQ refuses ':' in queue names; numbers are minimums
 * (vram, mem in MB; px = frame pixels the worker must handle). Shell-safe, so `--queues` needs no quoting.
 */
export const QUEUE_PREFIX = 'ff';

const DEVICES = ['nvidia', 'amd', 'intel', 'apple'] as const satisfies readonly GpuVendor[];
const NAME = /^[A-Za-z0-9_-]+$/;
const NUMBERS = { vram: 'minVramMb', mem: 'minMemoryMb', px: 'maxPixels' } as const;
const NUMBER_TAGS = Object.entries(NUMBERS);

/** True when the worker has everything the task needs (one GPU must satisfy vendor and VRAM together). */
export function canServe(capabilities: Capabilities, requirements: Requirements): boolean {
  const { device, encoder, hwaccel, minMemoryMb, minVramMb, maxPixels } = requirements;
  if (encoder && !capabilities.encoders.includes(encoder)) return false;
  if (hwaccel && !capabilities.hwaccels.includes(hwaccel)) return false;
  if (minMemoryMb && capabilities.memoryMb < minMemoryMb) return false;
  if (maxPixels && capabilities.maxPixels !== undefined && capabilities.maxPixels < maxPixels) return false;
  const vendor = device === 'cpu' ? undefined : device;
  if (vendor || minVramMb) {
    return capabilities.gpus.some(
      (gpu) => (!vendor || gpu.vendor === vendor) && (!minVramMb || gpu.vramMb >= minVramMb),
    );
  }
  return true;
}

/** The queue a task with these requirements goes to; equal requirements give equal names. */
export function queueNameFor(requirements: Requirements): string {
  const { device, encoder, hwaccel } = requirements;
  const parts: string[] = [QUEUE_PREFIX];
  if (device && device !== 'cpu') {
    if (!(DEVICES as readonly string[]).includes(device)) invalid('device', device);
    parts.push(device);
  }
  if (encoder) parts.push(`enc=${checkName('encoder', encoder)}`);
  if (hwaccel) parts.push(`hwaccel=${checkName('hwaccel', hwaccel)}`);
  for (const [tag, field] of NUMBER_TAGS) {
    const value = requirements[field];
    if (value === undefined || value === 0) continue;
    if (!Number.isSafeInteger(value) || value < 0) invalid(field, value);
    parts.push(`${tag}=${value}`);
  }
  if (parts.length === 1) parts.push('cpu');
  return parts.join('.');
}

/** The inverse of queueNameFor; undefined for names framefleet did not make. */
export function parseQueueName(name: string): Requirements | undefined {
  const [prefix, ...parts] = name.split('.');
  if (prefix !== QUEUE_PREFIX || parts.length === 0) return undefined;
  if (parts.length === 1 && parts[0] === 'cpu') return {};
  const requirements: Requirements = {};
  for (const part of parts) {
    const [tag = '', value = ''] = part.split(/=(.*)/s);
    if ((DEVICES as readonly string[]).includes(part) && requirements.device === undefined) {
      requirements.device = part as GpuVendor;
    } else if ((tag === 'enc' || tag === 'hwaccel') && NAME.test(value)) {
      requirements[tag === 'enc' ? 'encoder' : 'hwaccel'] = value;
    } else if (tag in NUMBERS && /^[1-9]\d*$/.test(value)) {
      requirements[NUMBERS[tag as keyof typeof NUMBERS]] = Number(value);
    } else {
      return undefined;
    }
  }
  return queueNameFor(requirements) === name ? requirements : undefined;
}

/**
 * The queues a worker may consume, most specific first: the ones its own devices, encoders and
 * hwaccels name, plus any of `activeQueues` (names in use on the cluster) that it can serve.
 */
export function queuesFor(capabilities: Capabilities, activeQueues: readonly string[] = []): string[] {
  const vendors = [...new Set(capabilities.gpus.map((gpu) => gpu.vendor))];
  const candidates: Requirements[] = [{}, ...vendors.map((device) => ({ device }))];
  for (const encoder of capabilities.encoders) {
    candidates.push({ encoder }, ...vendors.map((device) => ({ device, encoder })));
  }
  for (const hwaccel of capabilities.hwaccels) {
    candidates.push({ hwaccel }, ...vendors.map((device) => ({ device, hwaccel })));
  }
  const names = new Set(candidates.filter((r) => canServe(capabilities, r)).map(queueNameFor));
  for (const name of activeQueues) {
    const requirements = parseQueueName(name);
    if (requirements && canServe(capabilities, requirements)) names.add(name);
  }
  const specificity = (name: string) => (name === `${QUEUE_PREFIX}.cpu` ? 0 : name.split('.').length);
  return [...names].sort((a, b) => specificity(b) - specificity(a) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Words for what a task waits on: "a worker with an nvidia GPU with >= 8000 MB VRAM and encoder h264_nvenc". */
export function describeRequirements(requirements: Requirements): string {
  const { device, encoder, hwaccel, minMemoryMb, minVramMb, maxPixels } = requirements;
  const parts: string[] = [];
  const vram = minVramMb ? ` with >= ${minVramMb} MB VRAM` : '';
  if (device && device !== 'cpu') parts.push(`an ${device} GPU${vram}`);
  else if (vram) parts.push(`a GPU${vram}`);
  if (encoder) parts.push(`encoder ${encoder}`);
  if (hwaccel) parts.push(`hwaccel ${hwaccel}`);
  if (minMemoryMb) parts.push(`>= ${minMemoryMb} MB memory`);
  if (maxPixels) parts.push(`frames of ${maxPixels} pixels`);
  if (parts.length === 0) return 'any worker';
  const last = parts.pop();
  return `a worker with ${parts.length > 0 ? `${parts.join(', ')} and ${last}` : last}`;
}

function checkName(field: string, value: string): string {
  if (!NAME.test(value)) invalid(field, value);
  return value;
}

function invalid(field: string, value: unknown): never {
  throw new FramefleetError('INVALID_ARGUMENT', `invalid requirement \`${field}\`: got ${show(value)}`);
}
