import * as z from 'zod';
import { show } from '../../errors.js';
import { DEFAULT_QUALITY, PRESETS } from '../../media/encoders/quality.js';
import { unknownEncoder } from '../../media/encoders/select.js';
import {
  codedIssue,
  filePath,
  flag,
  intRange,
  nonEmpty,
  numberRange,
  oneOf,
  outputPath,
  parseSpec,
} from '../schema.js';

/** Most clips one montage may take; more belong in a pre-selection. */
export const MAX_CLIPS = 512;

import { ASPECTS, type Aspect } from './aspects.js';

export { ASPECTS, type Aspect } from './aspects.js';

export const montageSpecSchema = z
  .object({
    /** Video files to cut from (a CLI folder is expanded into its files). */
    clips: z
      .array(filePath('clips'), {
        error: (i) => `expected \`clips\` to be a list of file paths, got ${show(i.input)}`,
      })
      .min(1, { error: 'expected `clips` to name at least one video file, got none' })
      .max(MAX_CLIPS, { error: (i) => `expected at most ${MAX_CLIPS} clips, got ${show(i.input)}` }),
    music: filePath('music'),
    output: outputPath('output', ['mp4', 'm4v', 'mov', 'mkv']).pipe(filePath('output')),
    /** Montage length in seconds; default: the whole music track. */
    duration: numberRange('duration', 1, 3600).optional(),
    aspect: oneOf('aspect', ASPECTS).default('16:9'),
    /** Output height in pixels (720, 1080, 2160; any even height from 144). */
    height: intRange('height', 144, 4320)
      .refine((h) => h % 2 === 0, { error: (i) => `expected \`height\` to be even, got ${show(i.input)}` })
      .default(720),
    fps: intRange('fps', 1, 120).default(30),
    /** A .cube 3D LUT applied to every entry. */
    lut: filePath('lut').optional(),
    /** Two-pass vidstab stabilisation of every entry (needs an ffmpeg built with libvidstab). */
    stabilize: flag('stabilize').default(false),
    seed: intRange('seed', 0, 2 ** 31 - 1).default(1),
    /** Also write the edit as CMX3600 (.edl) and OpenTimelineIO (.otio). */
    edl: outputPath('edl', ['edl']).pipe(filePath('edl')).optional(),
    otio: outputPath('otio', ['otio']).pipe(filePath('otio')).optional(),
    encoder: nonEmpty('encoder').default('auto'),
    codec: oneOf('codec', ['h264', 'hevc', 'av1']).default('h264'),
    quality: intRange('quality', 1, 100).default(DEFAULT_QUALITY),
    preset: oneOf('preset', PRESETS).default('balanced'),
    audioBitrateKbps: intRange('audioBitrateKbps', 32, 512).default(192),
    overwrite: flag('overwrite').default(false),
    hwaccel: oneOf('hwaccel', ['auto', 'nvenc', 'vaapi', 'qsv', 'amf', 'videotoolbox', 'none']).default(
      'auto',
    ),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = unknownEncoder(s.encoder, s.codec);
    if (problem) ctx.addIssue(codedIssue(problem, ['encoder'], s.encoder));
  });

export type MontageSpec = z.output<typeof montageSpecSchema>;

export function parseMontageSpec(input: unknown): MontageSpec {
  return parseSpec(montageSpecSchema, input, 'montage spec');
}

/** Output width for an aspect at a height: even, as 4:2:0 needs. Pure. */
export function frameSize(aspect: Aspect, height: number): { width: number; height: number } {
  const [w, h] = aspect.split(':').map(Number) as [number, number];
  return { width: 2 * Math.round((height * w) / h / 2), height };
}

/** The storyboard image written next to the output: `cut.mp4` -> `cut.storyboard.jpg`. */
export function storyboardPath(output: string): string {
  return `${output.replace(/\.[^./]+$/, '')}.storyboard.jpg`;
}
