import type { Command } from 'commander';
import { fleetOptions, type FleetFlags } from './redis-options.js';
import {
  action,
  dataDirOption,
  evenIntOption,
  intOption,
  reportOptions,
  slotOptions,
  type LocalRunFlags,
} from './common.js';

export interface RenderFlags extends Partial<FleetFlags>, LocalRunFlags {
  output?: string;
  overwrite?: boolean;
  template?: string;
  batch?: string;
  outDir?: string;
  width?: number;
  height?: number;
  fps?: number;
  encoder?: string;
}

export function registerRender(program: Command): void {
  reportOptions(
    fleetOptions(
      dataDirOption(
        slotOptions(
          program
            .command('render')
            .description(
              'draw a JSON timeline (or a template such as trivia) scene by scene, mix its audio once, stitch and verify',
            )
            .argument('[spec]', 'render spec JSON (with --template: the template data, e.g. a quiz)')
            .option('-o, --output <file>', 'output video (.mp4, .m4v, .mov, .mkv)')
            .option('-y, --overwrite', 'replace an existing output file (never an input)')
            .option('--template <name>', 'the spec file is data for this template: trivia')
            .option(
              '--batch <file>',
              'with --template: one template data object per line (JSONL), one job each',
            )
            .option('--out-dir <dir>', 'with --batch: where the videos go (<line>.mp4)')
            .option(
              '--width <px>',
              "frame width (default: the spec's, else 1280)",
              evenIntOption('--width', 16, 7680),
            )
            .option(
              '--height <px>',
              "frame height (default: the spec's, else 720)",
              evenIntOption('--height', 16, 4320),
            )
            .option('--fps <n>', "frame rate (default: the spec's, else 30)", intOption('--fps', 1, 120))
            .option(
              '--encoder <name>',
              "auto, a family or an ffmpeg encoder (default: the spec's, else auto)",
            ),
        ),
      ).option('--keep-intermediates', 'keep scene files after a verified stitch'),
    ),
  ).action(
    action(async (spec: string | undefined, flags: RenderFlags) => {
      const { renderCommand } = await import('./render-run.js');
      await renderCommand(spec, flags);
    }),
  );
}
