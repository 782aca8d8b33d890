import * as z from 'zod';
import { show } from '../../errors.js';
import { DEINTERLACE_MODES } from '../../media/deinterlace.js';
import { PIXEL_FORMATS } from '../../media/encoders/pixel-format.js';
import { PRESETS, DEFAULT_QUALITY } from '../../media/encoders/quality.js';
import { unknownEncoder } from '../../media/encoders/select.js';
import { HLS_KEY_URI } from '../../media/hls-encrypt.js';
import { ladderProblem, ladderSchema, PACKAGE_TYPES } from './ladder-spec.js';
import { MAX_SEGMENTS } from './plan-segments.js';
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

export const transcodeSpecSchema = z
  .object({
    input: filePath('input'),
    // Refused at submit (the pattern reaches the JSON Schema), rather than failing the job when planned.
    output: outputPath('output', ['mp4', 'm4v', 'mov', 'mkv', 'm3u8', 'mpd']).pipe(filePath('output')),
    segments: intRange('segments', 1, MAX_SEGMENTS).optional(),
    segmentSeconds: numberRange('segmentSeconds', 0.5, 3600).optional(),
    encoder: nonEmpty('encoder').default('auto'),
    codec: oneOf('codec', ['h264', 'hevc', 'av1']).default('h264'),
    quality: intRange('quality', 1, 100).default(DEFAULT_QUALITY),
    preset: oneOf('preset', PRESETS).default('balanced'),
    /**
     * Absent or `auto`: 4:2:0 that browsers play (8-bit for H.264); `source`: the source's; or one
     * format (absent rather than a default, so the job ids of specs from before it stay the same).
     */
    pixelFormat: oneOf('pixelFormat', PIXEL_FORMATS).optional(),
    /**
     * Absent or `auto`: deinterlace a source the probe finds interlaced; `on`: every frame; `off`:
     * never (absent rather than a default, so the job ids of specs from before it stay the same).
     */
    deinterlace: oneOf('deinterlace', DEINTERLACE_MODES).optional(),
    audio: oneOf('audio', ['auto', 'copy', 'aac', 'none']).default('auto'),
    audioBitrateKbps: intRange('audioBitrateKbps', 32, 512).default(160),
    /** Keyframe interval inside segments, seconds. */
    gopSeconds: numberRange('gopSeconds', 0.5, 20).default(2),
    /** Move split points to nearby hard scene cuts (one fast analysis pass at 256 px first). */
    sceneCuts: flag('sceneCuts').default(false),
    /** Replace an existing output file (never an input). */
    overwrite: flag('overwrite').default(false),
    /** MP4/MOV: index first (`+faststart`) so players start before the whole file has arrived. */
    faststart: flag('faststart').default(true),
    /** Configured processors run on each segment before it is encoded, in order (names only). */
    process: processNames('process').optional(),
    /** FFMPEG_HWACCEL policy at submit time: narrows what 'auto' may choose. */
    /** An HLS/DASH bitrate ladder (output .m3u8/.mpd): see ladder-spec.ts. */
    ladder: ladderSchema.optional(),
    packages: z.array(oneOf('packages', PACKAGE_TYPES)).min(1).optional(),
    /** AES-128 clear-key encryption of HLS segments: a 16-byte key file and the URI players fetch it from. */
    hlsKey: filePath('hlsKey').optional(),
    hlsKeyUri: keyUri('hlsKeyUri').optional(),
    hwaccel: oneOf('hwaccel', ['auto', 'nvenc', 'vaapi', 'qsv', 'amf', 'videotoolbox', 'none']).default(
      'auto',
    ),
  })
  .strict()
  .refine((s) => !(s.segments !== undefined && s.segmentSeconds !== undefined), {
    message: 'give either `segments` or `segmentSeconds`, not both',
  })
  // Known at submit: an encoder that no fleet could ever run (a later stage would fail the job).
  .superRefine((s, ctx) => {
    const problem = unknownEncoder(s.encoder, s.codec);
    if (problem) ctx.addIssue(codedIssue(problem, ['encoder'], s.encoder));
    const ladder = ladderProblem(s);
    if (ladder) ctx.addIssue({ code: 'custom', path: [ladder.field], message: ladder.message });
  });

/**
 * The key's URI as written into each playlist's EXT-X-KEY tag: printable ASCII without spaces or
 * quotes (RFC 3986 characters, at most 2048), so it cannot end the tag's quoted value or its line.
 */
function keyUri(name: string) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be a URI of printable ASCII without spaces or quotes (at most 2048 characters), got ${show(issue.input)}`;
  return z.string({ error }).regex(HLS_KEY_URI, { error });
}

/** A list of 1 to 8 processor names, as configured (`processors:` in framefleet.yaml). */
function processNames(name: string) {
  const error = (issue: { input?: unknown }) =>
    `expected ${show(name)} to be a list of 1 to 8 processor names (letters, digits, _ and -), got ${show(issue.input)}`;
  return z
    .array(z.string({ error }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error }), { error })
    .min(1, { error })
    .max(8, { error });
}

export type TranscodeSpec = z.output<typeof transcodeSpecSchema>;

export function parseTranscodeSpec(input: unknown): TranscodeSpec {
  return parseSpec(transcodeSpecSchema, input, 'transcode spec');
}

/** Container format ffmpeg writes for an output file name. */
export function outputFormat(path: string): 'mp4' | 'mov' | 'matroska' | undefined {
  const ext = path.toLowerCase().split('.').pop();
  if (ext === 'mp4' || ext === 'm4v') return 'mp4';
  if (ext === 'mov') return 'mov';
  if (ext === 'mkv') return 'matroska';
  return undefined;
}
