import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { FEATURE } from '../engine/routing.js';
import { FramefleetError, show } from '../errors.js';

/** ffmpeg encoder and hwaccel names: h264_nvenc, libaom-av1, vaapi. */
const ffmpegName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected an ffmpeg name (letters, digits, _ and -)');

export const declaredCapabilitiesSchema = z.strictObject({
  workerId: z.string().min(1).optional(),
  hostname: z.string().min(1).optional(),
  cores: z.int().positive().optional(),
  memoryMb: z.int().positive().optional(),
  gpus: z
    .array(
      z.strictObject({
        index: z.int().min(0),
        vendor: z.enum(['nvidia', 'amd', 'intel', 'apple']),
        model: z.string().default(''),
        vramMb: z.int().min(0).default(0),
      }),
    )
    .optional(),
  encoders: z.array(ffmpegName).optional(),
  hwaccels: z.array(ffmpegName).optional(),
  /** Named features this worker offers besides its encoders and hwaccels: `proc:upscale`, `font:DejaVu Sans`. */
  features: z.array(z.string().regex(FEATURE, 'expected a feature `kind:name`')).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  maxPixels: z.int().positive().optional(),
  /** false: skip GPU probing and trust only what is declared. */
  detect: z.boolean().optional(),
});

/** Capabilities a worker's config declares; they override detection (see applyDeclared). */
export type DeclaredCapabilities = z.output<typeof declaredCapabilitiesSchema>;

/** Validates declared capabilities from a config object; `source` names it in errors. */
export function parseDeclaredCapabilities(input: unknown, source = 'capabilities'): DeclaredCapabilities {
  const result = declaredCapabilitiesSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const at = issue.path.join('.');
    const value = valueAt(input, issue.path);
    return `${at === '' ? '(root)' : `\`${at}\``}: ${issue.message}${value === undefined ? '' : `, got ${show(value)}`}`;
  });
  throw new FramefleetError('INVALID_ARGUMENT', `invalid ${source}: ${problems.join('; ')}`);
}

/** Reads declared capabilities from a YAML or JSON file (JSON is valid YAML). */
export async function loadCapabilityConfig(file: string): Promise<DeclaredCapabilities> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new FramefleetError('INVALID_ARGUMENT', `cannot read capabilities file ${show(file)}`, { cause });
  }
  // Loaded only when a file is read: yaml costs ~30 ms of every command's start-up otherwise.
  const { parse: parseYaml } = await import('yaml');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `capabilities file ${show(file)} is not YAML/JSON: ${reason}`,
      {
        cause,
      },
    );
  }
  return parseDeclaredCapabilities(data ?? {}, `capabilities file ${show(file)}`);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
