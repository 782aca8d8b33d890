import type { Command } from 'commander';
import { MAX_SHARDS } from '../analysis/scenes/shard-plan.js';
import {
  action,
  choiceOption,
  evenIntOption,
  intOption,
  numberOption,
  outputOptions,
  quietOption,
} from './common.js';
import { fleetOptions, type FleetFlags } from './redis-options.js';

export interface AnalyzeFlags {
  output?: string;
  overwrite?: boolean;
  json?: boolean;
  /** No progress or info lines (the fleet job's progress): as every command takes it. */
  quiet?: boolean;
}

export interface ScenesFlags extends AnalyzeFlags, Partial<FleetFlags> {
  shards?: number;
  shardIndex?: number;
  shardCount?: number;
  aggregate?: boolean;
  threshold?: number;
  minShot?: number;
  edges?: boolean;
  hwaccel: 'none' | 'cuda' | 'vaapi' | 'qsv';
}

export interface ProxyFlags extends AnalyzeFlags {
  output: string;
  height: number;
}

const jsonOption = (command: Command) =>
  quietOption(command.option('--json', 'print the result as JSON on stdout instead of a summary'));

/**
 * `framefleet analyze scenes|beats|proxy`: runs in this process. A summary on stdout (or the whole
 * result with --json); `-o` writes the JSON result (or the proxy) to a file.
 */
export function registerAnalyze(program: Command): void {
  const analyze = program.command('analyze').description('scene cuts, beats and proxies');
  const run = async <F>(name: 'scenes' | 'beats' | 'proxy', inputs: string[], flags: F) => {
    const { analyzeCommand } = await import('./analyze-run.js');
    await analyzeCommand(name, inputs, flags as never);
  };

  fleetOptions(
    jsonOption(
      outputOptions(
        analyze
          .command('scenes')
          .description('find hard cuts and dissolves; per-shot motion, brightness and sharpness')
          .argument(
            '<inputs...>',
            'video files, - for standard input (or, with --aggregate, partial results)',
          ),
        'write the JSON result here',
        false,
      ),
    ),
  )
    .option(
      '--shards <k>',
      `split each video into k equal time shards run in parallel (1-${MAX_SHARDS}; default: one decoder per core, split at keyframes)`,
      intOption('--shards', 1, MAX_SHARDS),
    )
    .option(
      '--shard-index <i>',
      'measure only shard i and write a partial (default: $JOB_COMPLETION_INDEX)',
      intOption('--shard-index', 0, MAX_SHARDS - 1),
    )
    .option(
      '--shard-count <k>',
      'number of shards of an Indexed Job',
      intOption('--shard-count', 1, MAX_SHARDS),
    )
    .option('--aggregate', 'merge partial results given as inputs into the final result')
    .option(
      '--threshold <score>',
      'change score a hard cut needs (default: 8); lower finds more cuts, higher fewer (the bars for low-contrast pictures move with it)',
      numberOption('--threshold', 1, 255),
    )
    .option('--min-shot <frames>', 'fewest frames in a shot (default: 6)', intOption('--min-shot', 1, 10_000))
    .option('--edges', 'score edge changes too')
    .option(
      '--hwaccel <kind>',
      'decode and scale on none|cuda|vaapi|qsv',
      choiceOption('--hwaccel', ['none', 'cuda', 'vaapi', 'qsv'] as const),
      'none',
    )
    .action(action((inputs: string[], flags: ScenesFlags) => run('scenes', inputs, flags)));

  jsonOption(
    outputOptions(
      analyze
        .command('beats')
        .description('tempo, beat times, energy and onset curves of an audio or video file')
        .argument('<file>', 'audio or video file, - for standard input'),
      'write the JSON result here',
      false,
    ),
  ).action(action((file: string, flags: AnalyzeFlags) => run('beats', [file], flags)));

  jsonOption(
    outputOptions(
      analyze
        .command('proxy')
        .description('write a low-resolution copy for analysis and editing')
        .argument('<input>', 'video file'),
      'proxy file (.mp4, .m4v)',
    ),
  )
    .option('--height <px>', 'proxy height (even)', evenIntOption('--height', 90, 2160), 360)
    .action(action((input: string, flags: ProxyFlags) => run('proxy', [input], flags)));
}
