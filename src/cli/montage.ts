import type { Command } from 'commander';
import { DEFAULT_QUALITY, PRESETS } from '../media/encoders/quality.js';
import { ASPECTS, type Aspect } from '../pipelines/montage/aspects.js';
import {
  action,
  type LocalRunFlags,
  choiceOption,
  dataDirOption,
  evenIntOption,
  intOption,
  numberOption,
  outputOptions,
  reportOptions,
  slotOptions,
} from './common.js';
import { fleetOptions, type FleetFlags } from './redis-options.js';

export interface MontageFlags extends Partial<FleetFlags>, LocalRunFlags {
  clips: string[];
  music: string;
  output: string;
  overwrite?: boolean;
  duration?: number;
  aspect: Aspect;
  height: number;
  fps: number;
  lut?: string;
  stabilize?: boolean;
  seed: number;
  edl?: string;
  otio?: string;
  encoder: string;
  quality: number;
  preset: (typeof PRESETS)[number];
}

export function registerMontage(program: Command): void {
  const command = program
    .command('montage')
    .description(
      'cut clips to the beat of a music track: analyse, edit, render entries in parallel, stitch and verify',
    )
    .requiredOption('--clips <paths...>', 'video files and/or folders of them')
    .requiredOption('--music <track>', 'the music track (any audio or video file with sound)');
  reportOptions(
    fleetOptions(
      dataDirOption(
        slotOptions(
          outputOptions(command, 'output video (.mp4, .m4v, .mov, .mkv)')
            .option(
              '--duration <s>',
              'montage length in seconds (default: the music)',
              numberOption('--duration', 1, 3600),
            )
            .option('--aspect <ratio>', ASPECTS.join('|'), choiceOption('--aspect', ASPECTS), '16:9')
            .option(
              '--height <px>',
              'output height in pixels, any even 144-4320 (e.g. 480, 720, 1080, 2160)',
              evenIntOption('--height', 144, 4320),
              720,
            )
            .option('--fps <n>', 'output frame rate', intOption('--fps', 1, 120), 30)
            .option('--lut <file.cube>', 'grade every entry with this 3D LUT')
            .option('--stabilize', 'stabilise every entry (ffmpeg with libvidstab)')
            .option(
              '--seed <n>',
              'edit seed: the same seed, the same edit',
              intOption('--seed', 0, 2 ** 31 - 1),
              1,
            )
            .option('--edl <file.edl>', 'also write the edit as a CMX3600 EDL')
            .option('--otio <file.otio>', 'also write the edit as OpenTimelineIO JSON')
            .option('--encoder <name>', 'auto, a family (x264, nvenc, ...) or an ffmpeg encoder', 'auto')
            .option(
              '--quality <q>',
              'quality 1-100, higher is better',
              intOption('--quality', 1, 100),
              DEFAULT_QUALITY,
            )
            .option(
              '--preset <p>',
              `speed preset: ${PRESETS.join('|')}`,
              choiceOption('--preset', PRESETS),
              'balanced',
            ),
        ),
      ).option('--keep-intermediates', 'keep rendered entries after a verified stitch'),
    ),
  ).action(
    action(async (flags: MontageFlags) => {
      const { montageCommand } = await import('./montage-run.js');
      await montageCommand(flags);
    }),
  );
}
