import * as z from 'zod';
import { DEVICE_CLASSES } from '../engine/capabilities.js';
import { FEATURE } from '../engine/routing.js';

/**
 * `processors:` in framefleet.yaml: named external steps a transcode may run on each segment
 * (`--process NAME`), such as an upscaler, an inpainter or a denoiser. The command is an argv
 * template run without a shell; jobs and the API name a processor, never a command.
 */

/** Placeholders an argv element may hold; `{{` and `}}` are literal braces. */
export const PROCESSOR_PLACEHOLDERS = [
  'input',
  'output',
  'frames_in',
  'frames_out',
  'frames_in_pattern',
  'frames_out_pattern',
  'width',
  'height',
  'out_width',
  'out_height',
  'fps',
  'fps_rational',
  'frames',
  'segment',
  'first_frame',
  'context_before',
  'context_after',
  'gpu',
  'scratch',
  'config_dir',
  'ffmpeg',
  'ffprobe',
] as const;

/** Names usable as a pool queue part (`ff.nvidia.proc-upscale`). */
const PROCESSOR_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** The placeholders an argv element uses (`{input}` -> input); escaped braces are not placeholders. Pure. */
export function placeholdersIn(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));
}

const contextSchema = z.union([
  z.int().min(0).max(1000),
  z.strictObject({ before: z.int().min(0).max(1000).default(0), after: z.int().min(0).max(1000).default(0) }),
]);

export const processorSchema = z
  .strictObject({
    /** argv template, run without a shell in the task's scratch directory. */
    command: z
      .array(z.string().min(1).max(4096))
      .min(1)
      .superRefine((argv, ctx) => {
        for (const [i, arg] of argv.entries()) {
          for (const name of placeholdersIn(arg)) {
            if (!(PROCESSOR_PLACEHOLDERS as readonly string[]).includes(name)) {
              ctx.addIssue({
                code: 'custom',
                path: [i],
                message: `unknown placeholder {${name}}; expected one of ${PROCESSOR_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
              });
            }
          }
        }
      }),
    /** video: {input} is a lossless video file, {output} one to write; frames: folders of numbered PNGs. */
    io: z.enum(['video', 'frames']).default('video'),
    /** Output size over input size (2 for a 2x upscaler). */
    scale: z.number().min(0.0625).max(16).default(1),
    /** Frames of temporal context on each side (or `{before, after}`), dropped after the run. */
    context: contextSchema.default(0),
    timeoutSeconds: z
      .number()
      .min(1)
      .max(7 * 86_400)
      .default(3600),
    requires: z
      .strictObject({
        device: z.enum(DEVICE_CLASSES).default('cpu'),
        minVramMb: z.int().min(1).optional(),
        features: z.array(z.string().regex(FEATURE, 'expected a feature `kind:name`')).default([]),
      })
      .default({ device: 'cpu', features: [] }),
  })
  .superRefine((p, ctx) => {
    const used = new Set(p.command.flatMap(placeholdersIn));
    // A frames command names each folder, or the image2 pattern of its files (ffmpeg's own reading).
    const needed = p.io === 'video' ? ['input', 'output'] : ['frames_in', 'frames_out'];
    for (const name of needed) {
      if (!used.has(name) && !used.has(`${name}_pattern`))
        ctx.addIssue({
          code: 'custom',
          path: ['command'],
          message: `an io: ${p.io} command must use {${name}}${p.io === 'frames' ? ` or {${name}_pattern}` : ''}`,
        });
    }
    const foreign =
      p.io === 'video'
        ? ['frames_in', 'frames_out', 'frames_in_pattern', 'frames_out_pattern']
        : ['input', 'output'];
    for (const name of foreign) {
      if (used.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['command'],
          message: `{${name}} is not available with io: ${p.io}`,
        });
    }
  });

export const processorsConfigSchema = z
  .record(
    z.string().regex(PROCESSOR_NAME, 'expected a processor name of letters, digits, _ and -'),
    processorSchema,
  )
  .default({});

export type ProcessorConfig = z.output<typeof processorSchema>;
export type ProcessorsConfig = z.output<typeof processorsConfigSchema>;
