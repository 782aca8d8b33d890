import { InvalidArgumentError, type Command } from 'commander';
import { show } from '../errors.js';
import { fleetOptions, type FleetFlags } from './redis-options.js';
import { DEINTERLACE_MODES, type DeinterlaceMode } from '../media/deinterlace.js';
import { PIXEL_FORMATS, type PixelFormatChoice } from '../media/encoders/pixel-format.js';
import { DEFAULT_QUALITY, PRESETS } from '../media/encoders/quality.js';
import { MAX_SEGMENTS } from '../pipelines/transcode/plan-segments.js';
import {
  action,
  type LocalRunFlags,
  choiceOption,
  dataDirOption,
  intOption,
  numberOption,
  outputOptions,
  reportOptions,
  slotOptions,
} from './common.js';

export interface TranscodeFlags extends Partial<FleetFlags>, LocalRunFlags {
  output: string;
  overwrite?: boolean;
  segments?: number;
  segmentSeconds?: number;
  encoder: string;
  codec: 'h264' | 'hevc' | 'av1';
  quality: number;
  preset: (typeof PRESETS)[number];
  pixelFormat?: PixelFormatChoice;
  deinterlace?: DeinterlaceMode;
  audio: 'auto' | 'copy' | 'aac' | 'none';
  sceneCuts?: boolean;
  ladder?: string;
  package?: string;
  hlsKey?: string;
  hlsKeyUri?: string;
  faststart: boolean;
  /** Configured processors each segment runs before its encode. */
  process?: string[];
}

/** Shared by `transcode` and `submit`: the flags that make a transcode spec. */
export function addTranscodeSpecOptions(command: Command): Command {
  return outputOptions(command, 'output file (.mp4, .m4v, .mov, .mkv; with --ladder .m3u8 or .mpd)')
    .option(
      '--segments <n>',
      `number of segments (1-${MAX_SEGMENTS}, none shorter than 0.5 s; default: planned for this machine's cores, see README)`,
      intOption('--segments', 1, MAX_SEGMENTS),
    )
    .option(
      '--segment-seconds <s>',
      'target segment length in seconds',
      numberOption('--segment-seconds', 0.5, 3600),
    )
    .option(
      '--encoder <name>',
      'auto, a family (x264, x265, svtav1, nvenc, vaapi, qsv, amf, videotoolbox, cpu) or an ffmpeg encoder',
      'auto',
    )
    .option(
      '--codec <codec>',
      'h264|hevc|av1 (for auto and families)',
      choiceOption('--codec', ['h264', 'hevc', 'av1'] as const),
      'h264',
    )
    .option(
      '--quality <q>',
      'quality 1-100, higher is better (70 = x264 CRF 23)',
      intOption('--quality', 1, 100),
      DEFAULT_QUALITY,
    )
    .option(
      '--preset <p>',
      `speed preset: ${PRESETS.join('|')}`,
      choiceOption('--preset', PRESETS),
      'balanced',
    )
    .option(
      '--pixel-format <fmt>',
      `auto (4:2:0 browsers play: 8-bit for h264, the source's 8 or 10 bits for hevc/av1), source (keep the source's), or ${PIXEL_FORMATS.slice(2).join('|')}`,
      choiceOption('--pixel-format', PIXEL_FORMATS),
    )
    .option(
      '--deinterlace <mode>',
      'auto (deinterlace a source probed interlaced, field order tt/bb/tb/bt), on (every frame) or off',
      choiceOption('--deinterlace', DEINTERLACE_MODES),
    )
    .option(
      '--audio <mode>',
      'auto|copy|aac|none',
      choiceOption('--audio', ['auto', 'copy', 'aac', 'none'] as const),
      'auto',
    )
    .option('--scene-cuts', 'run one scene pass first and move split points onto hard cuts')
    .option('--no-faststart', 'MP4/MOV: leave the index at the end (default: index first, web-ready)')
    .option(
      '--process <names>',
      'run these configured processors (processors: in framefleet.yaml) on each segment, in order: a,b',
      processOption,
    )
    .option('--ladder <rungs>', 'HLS/DASH bitrate ladder: heights, optional bitrates (1080,720:3000k,480)')
    .option('--package <types>', 'with --ladder: hls, dash or hls,dash (default: from the output name)')
    .option('--hls-key <file>', 'with --ladder: AES-128 encrypt HLS segments with this 16-byte key file')
    .option('--hls-key-uri <uri>', 'with --hls-key: the URI players fetch the key from');
}

export function registerTranscode(program: Command): void {
  reportOptions(
    fleetOptions(
      dataDirOption(
        slotOptions(
          addTranscodeSpecOptions(
            program
              .command('transcode')
              .description(
                'split a video into segments, encode them in parallel, stitch and verify (here, or on a fleet with --redis)',
              )
              .argument(
                '<input>',
                'input video file (with --redis: a path on shared storage or an s3:// URL)',
              ),
          ),
        ),
      ).option('--keep-intermediates', 'keep segment files after a verified stitch'),
    ),
  ).action(
    action(async (input: string, flags: TranscodeFlags) => {
      const { transcodeCommand } = await import('./transcode-run.js');
      await transcodeCommand(input, flags);
    }),
  );
}

/** `--process a,b`: configured processor names, in order; checked against the config before any task. */
function processOption(value: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  if (names.length > 8 || names.some((n) => !/^[A-Za-z0-9_-]{1,64}$/.test(n))) {
    throw new InvalidArgumentError(
      `expected --process to be 1 to 8 processor names separated by commas, got ${show(value)}`,
    );
  }
  return names;
}
