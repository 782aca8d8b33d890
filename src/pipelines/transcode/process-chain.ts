import { createHash } from 'node:crypto';
import type { DeviceClass } from '../../engine/capabilities.js';
import { canServe, feature } from '../../engine/routing.js';
import type { Capabilities } from '../../engine/capabilities.js';
import type { Requirements } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';

/**
 * A configured processor as the pipeline uses it (config/processors.ts validates the file; this is
 * its output shape, so pipelines/ need not import config/).
 */
export interface Processor {
  command: string[];
  io: 'video' | 'frames';
  scale: number;
  context: number | { before: number; after: number };
  timeoutSeconds: number;
  requires: { device: DeviceClass; minVramMb?: number | undefined; features: string[] };
}

/** Processors by name, from the config of the process that plans or runs a task. */
export type Processors = Readonly<Record<string, Processor>>;

/** What a segment task needs to know about its chain: carried in its payload, names only, no commands. */
export interface ProcessStep {
  names: string[];
  /** Context frames the whole chain needs before and after a segment (each step's add up). */
  before: number;
  after: number;
  /** Output size of the chain for the job's frame size. */
  width: number;
  height: number;
  /** Hash of the geometry each step was planned with: a worker configured otherwise refuses the task. */
  fingerprint: string;
  /** Source pixel format, which the processed frames are converted back to before encoding. */
  pixFmt: string;
}

export function contextOf(p: Processor): { before: number; after: number } {
  return typeof p.context === 'number' ? { before: p.context, after: p.context } : p.context;
}

/** The named processors, or UNKNOWN_PROCESSOR naming the first unknown one and the known ones. Pure. */
export function resolveChain(names: readonly string[], processors: Processors): Processor[] {
  return names.map((name) => {
    const found = Object.hasOwn(processors, name) ? processors[name] : undefined;
    if (!found) {
      const known = Object.keys(processors);
      throw new FramefleetError(
        'UNKNOWN_PROCESSOR',
        `unknown processor ${show(name)}; ${known.length ? `configured: ${known.join(', ')}` : 'no processors are configured (see `processors:` in framefleet.yaml)'}`,
        { details: { processor: name, configured: known } },
      );
    }
    return found;
  });
}

/** Output frame size of one step: the input size times its scale, rounded. Pure. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** The geometry of a chain for one job: context, output size, fingerprint. Pure. */
export function processStep(
  names: readonly string[],
  processors: Processors,
  source: { width: number; height: number; pixFmt: string },
): ProcessStep {
  const chain = resolveChain(names, processors);
  let { width, height } = source;
  let before = 0;
  let after = 0;
  for (const p of chain) {
    ({ width, height } = scaledSize(width, height, p.scale));
    before += contextOf(p).before;
    after += contextOf(p).after;
  }
  return {
    names: [...names],
    before,
    after,
    width,
    height,
    fingerprint: chainFingerprint(names, processors),
    pixFmt: source.pixFmt,
  };
}

/** What decides a step's output frames besides its code: io, scale and context. */
export function chainFingerprint(names: readonly string[], processors: Processors): string {
  const shape = resolveChain(names, processors).map((p, i) => [names[i], p.io, p.scale, contextOf(p)]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

/** Everything a chain's commands and settings are: part of a processed job's identity. */
export function chainIdentity(names: readonly string[], processors: Processors): string {
  const defs = resolveChain(names, processors);
  return createHash('sha256')
    .update(JSON.stringify([names, defs]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * What a processed segment task requires: the processors' features (`proc:NAME`, which routes it to
 * `ff.<device>.proc-NAME`), their device and VRAM, and the job's encoder. One device per task:
 * a chain that needs two GPU vendors, or a GPU other than the encoder's, is refused. Pure.
 */
export function chainRequirements(
  names: readonly string[],
  processors: Processors,
  encoder: { name: string; device: DeviceClass },
): Requirements {
  const chain = resolveChain(names, processors);
  const devices = new Set<DeviceClass>([encoder.device, ...chain.map((p) => p.requires.device)]);
  devices.delete('cpu');
  if (devices.size > 1) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `processors ${names.join(', ')} with encoder ${encoder.name} need GPUs of ${[...devices].join(' and ')} in one task; use processors and an encoder of one GPU vendor`,
    );
  }
  const minVram = Math.max(0, ...chain.map((p) => p.requires.minVramMb ?? 0));
  const features = [
    `enc:${encoder.name}`,
    ...names.map((n) => feature('proc', n)),
    ...chain.flatMap((p) => p.requires.features),
  ];
  return {
    device: [...devices][0] ?? 'cpu',
    features: [...new Set(features)],
    ...(minVram > 0 ? { minVramMb: minVram } : {}),
  };
}

/** The `proc:NAME` features a worker offers: each configured processor whose requirements it meets. Pure. */
export function offeredProcessors(processors: Processors, capabilities: Capabilities): string[] {
  return Object.entries(processors)
    .filter(([, p]) =>
      canServe(capabilities, {
        device: p.requires.device,
        features: p.requires.features,
        ...(p.requires.minVramMb ? { minVramMb: p.requires.minVramMb } : {}),
      }),
    )
    .map(([name]) => feature('proc', name))
    .sort();
}

/** Fills an argv template: `{name}` from `values`, `{{` and `}}` as braces. Pure. */
export function expandArgv(template: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return template.map((arg) =>
    arg.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, name: string | undefined) => {
      if (name === undefined) return match[0]!;
      const value = values[name];
      if (value === undefined)
        throw new FramefleetError('INVALID_CONFIG', `processor placeholder {${name}} has no value here`);
      return value;
    }),
  );
}
