import { FramefleetError, show } from '../errors.js';
import { GPU_VENDORS, type Capabilities, type DeviceClass } from './capabilities.js';
import type { Requirements } from './types.js';

/**
 * Routing: the one module that decides which queue a task goes to and which worker may run it.
 *
 * Queues are pools: one per device class (`ff.cpu`, `ff.nvidia`, `ff.amd`, `ff.intel`, `ff.apple`),
 * plus one per device class and configured processor (`ff.nvidia.proc-upscale`), plus the control
 * queue for plan steps. The set is small and stable: it never grows with the input, so KEDA and a
 * price per hour can attach to it. Every other requirement (an encoder, a hwaccel, a font, memory,
 * VRAM, frame size) is a check the worker makes when it takes the task: a worker of the right pool
 * that lacks it hands the task back for another, and a job no live worker can serve says why.
 */
export const QUEUE_PREFIX = 'ff';
export const CONTROL_QUEUE = `${QUEUE_PREFIX}.control`;

/** Feature kinds that give a task a queue of its own: processors run only where they are configured. */
const ROUTED_KINDS = ['proc'] as const;
/** Names that may appear inside a queue name (BullMQ refuses ':'; '.' separates parts). */
const QUEUE_PART = /^[A-Za-z0-9_-]+$/;
/** `kind:name`: a lower-case kind, then a name of up to 128 characters without control characters. */
export const FEATURE = /^([a-z][a-z0-9-]*):([^:\p{Cc}][^\p{Cc}]{0,127})$/u;

/** Words for each feature kind in messages: `enc:h264_nvenc` is "encoder h264_nvenc". */
const KIND_WORDS: Record<string, string> = {
  enc: 'encoder',
  hwaccel: 'hwaccel',
  proc: 'processor',
  font: 'font',
};

export function feature(kind: string, name: string): string {
  return `${kind}:${name}`;
}

/** The kind and name of a feature string; throws for malformed ones. Pure. */
export function parseFeature(value: string): { kind: string; name: string } {
  const match = FEATURE.exec(value);
  if (!match) throw invalid('feature', value);
  const [, kind = '', name = ''] = match;
  if ((ROUTED_KINDS as readonly string[]).includes(kind) && !QUEUE_PART.test(name)) {
    throw invalid('feature', value);
  }
  return { kind, name };
}

/** Every feature a worker offers: its proven encoders, its hwaccels and whatever it declares. */
export function featuresOf(capabilities: Capabilities): Set<string> {
  return new Set([
    ...capabilities.encoders.map((e) => feature('enc', e)),
    ...capabilities.hwaccels.map((h) => feature('hwaccel', h)),
    ...(capabilities.features ?? []),
  ]);
}

/** The parts of `requirements` this worker does not meet; empty when it can run the task. Pure. */
export function unmetBy(capabilities: Capabilities, requirements: Requirements): Requirements {
  const { device, features, minMemoryMb, minVramMb, maxPixels } = requirements;
  const unmet: Requirements = {};
  const have = featuresOf(capabilities);
  const missing = (features ?? []).filter((f) => !have.has(f));
  if (missing.length > 0) unmet.features = missing;
  if (minMemoryMb && capabilities.memoryMb < minMemoryMb) unmet.minMemoryMb = minMemoryMb;
  if (maxPixels && capabilities.maxPixels !== undefined && capabilities.maxPixels < maxPixels) {
    unmet.maxPixels = maxPixels;
  }
  const vendor = device === 'cpu' ? undefined : device;
  // One GPU must satisfy vendor and VRAM together.
  if (
    (vendor || minVramMb) &&
    !capabilities.gpus.some(
      (gpu) => (!vendor || gpu.vendor === vendor) && (!minVramMb || gpu.vramMb >= minVramMb),
    )
  ) {
    if (vendor) unmet.device = vendor;
    if (minVramMb) unmet.minVramMb = minVramMb;
  }
  return unmet;
}

/** True when the worker has everything the task needs. */
export function canServe(capabilities: Capabilities, requirements: Requirements): boolean {
  return Object.keys(unmetBy(capabilities, requirements)).length === 0;
}

/** The pool queue a task with these requirements goes to. Pure; equal pools give equal names. */
export function queueFor(requirements: Requirements): string {
  const device = requirements.device ?? 'cpu';
  if (device !== 'cpu' && !(GPU_VENDORS as readonly string[]).includes(device))
    throw invalid('device', device);
  const routed = (requirements.features ?? [])
    .map(parseFeature)
    .filter((f) => (ROUTED_KINDS as readonly string[]).includes(f.kind))
    .map((f) => `${f.kind}-${f.name}`);
  return [QUEUE_PREFIX, device, ...[...new Set(routed)].sort()].join('.');
}

/** The inverse of queueFor: the device class and routed features a pool queue stands for. */
export function parseQueue(name: string): { device: DeviceClass; features: string[] } | undefined {
  const [prefix, device, ...parts] = name.split('.');
  if (prefix !== QUEUE_PREFIX || !device) return undefined;
  if (device !== 'cpu' && !(GPU_VENDORS as readonly string[]).includes(device)) return undefined;
  const features: string[] = [];
  for (const part of parts) {
    const [kind = '', rest = ''] = part.split(/-(.*)/s);
    if (!(ROUTED_KINDS as readonly string[]).includes(kind) || !QUEUE_PART.test(rest)) return undefined;
    features.push(feature(kind, rest));
  }
  const requirements = { device: device as DeviceClass, features };
  return queueFor(requirements) === name ? requirements : undefined;
}

/** Which slots a queue's tasks take: a GPU vendor's pools share the GPU slots. Pure. */
export function slotClassOf(queueName: string): 'cpu' | 'gpu' {
  const device = parseQueue(queueName)?.device;
  return device && device !== 'cpu' ? 'gpu' : 'cpu';
}

/**
 * The pool queues a worker consumes: `ff.cpu`, one per GPU vendor it has, and one per processor it
 * offers on each of those, plus any pool in use on the cluster (`activeQueues`) that it can serve.
 */
export function queuesFor(capabilities: Capabilities, activeQueues: readonly string[] = []): string[] {
  const devices: DeviceClass[] = ['cpu', ...new Set(capabilities.gpus.map((gpu) => gpu.vendor))];
  const routed = [...featuresOf(capabilities)].filter((f) =>
    (ROUTED_KINDS as readonly string[]).includes(f.split(':')[0]!),
  );
  const names = new Set<string>();
  for (const device of devices) {
    names.add(queueFor({ device }));
    for (const f of routed) names.add(queueFor({ device, features: [f] }));
  }
  for (const name of activeQueues) {
    const pool = parseQueue(name);
    if (pool && canServe(capabilities, pool)) names.add(name);
  }
  return [...names].sort();
}

/** Words for what a task waits on: "a worker with an nvidia GPU with >= 8000 MB VRAM and encoder h264_nvenc". */
export function describeRequirements(requirements: Requirements): string {
  const { device, features, minMemoryMb, minVramMb, maxPixels } = requirements;
  const parts: string[] = [];
  const vram = minVramMb ? ` with >= ${minVramMb} MB VRAM` : '';
  if (device && device !== 'cpu') parts.push(`an ${device} GPU${vram}`);
  else if (vram) parts.push(`a GPU${vram}`);
  for (const f of features ?? []) {
    const { kind, name } = parseFeature(f);
    parts.push(KIND_WORDS[kind] ? `${KIND_WORDS[kind]} ${name}` : `feature ${f}`);
  }
  if (minMemoryMb) parts.push(`>= ${minMemoryMb} MB memory`);
  if (maxPixels) parts.push(`frames of ${maxPixels} pixels`);
  if (parts.length === 0) return 'any worker';
  const last = parts.pop();
  return `a worker with ${parts.length > 0 ? `${parts.join(', ')} and ${last}` : last}`;
}

/**
 * Why a job cannot progress: the first requirement no live worker can serve, described by the
 * parts nobody has ("waiting for a worker with encoder h264_nvenc"); undefined when all are
 * servable. Pure.
 */
export function waitingFor(
  requirements: readonly Requirements[],
  workers: readonly Capabilities[],
): string | undefined {
  if (requirements.length > 0 && workers.length === 0) return 'waiting for a worker to come online';
  for (const wanted of requirements) {
    if (workers.some((w) => canServe(w, wanted))) continue;
    return `waiting for ${describeRequirements(unmetParts(wanted, workers))}`;
  }
  return undefined;
}

/** The parts of a requirement that no worker meets on its own; the whole one when each is met somewhere. */
export function unmetParts(wanted: Requirements, workers: readonly Capabilities[]): Requirements {
  const singles: Requirements[] = [
    ...(wanted.device && wanted.device !== 'cpu' ? [{ device: wanted.device }] : []),
    ...(wanted.features ?? []).map((f) => ({ features: [f] })),
    ...(wanted.minMemoryMb ? [{ minMemoryMb: wanted.minMemoryMb }] : []),
    ...(wanted.minVramMb ? [{ minVramMb: wanted.minVramMb }] : []),
    ...(wanted.maxPixels ? [{ maxPixels: wanted.maxPixels }] : []),
  ];
  const unmet: Requirements = {};
  for (const single of singles) {
    if (workers.some((w) => canServe(w, single))) continue;
    if (single.features) unmet.features = [...(unmet.features ?? []), ...single.features];
    else Object.assign(unmet, single);
  }
  return Object.keys(unmet).length > 0 ? unmet : wanted;
}

function invalid(field: string, value: unknown): FramefleetError {
  return new FramefleetError('INVALID_ARGUMENT', `invalid requirement \`${field}\`: got ${show(value)}`, {
    details: { field, value },
  });
}
