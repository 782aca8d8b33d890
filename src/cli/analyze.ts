import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_SCENE_OPTIONS,
  EDGE_WEIGHT,
  MAX_SHARDS,
  type ScenePartial,
  type SceneOptions,
} from '../analysis/scenes/index.js';
import { FramefleetError, show } from '../errors.js';
import { makeProxy } from '../media/proxy.js';
import {
  aggregateScenes,
  analyzeBeatsFile,
  analyzeScenes,
  measureScenes,
} from '../pipelines/analyze/index.js';
import { action, choiceOption, intOption, numberOption } from './common.js';

interface ScenesFlags {
  shards?: number;
  shardIndex?: number;
  shardCount?: number;
  aggregate?: boolean;
  output?: string;
  threshold?: number;
  minShot?: number;
  edges?: boolean;
  hwaccel: 'none' | 'cuda' | 'vaapi' | 'qsv';
}

/** `framefleet analyze scenes|beats|proxy`: runs in this process, prints or writes JSON. */
export function registerAnalyze(program: Command): void {
  const analyze = program.command('analyze').description('scene cuts, beats and proxies');

  analyze
    .command('scenes')
    .description('find hard cuts and dissolves; per-shot motion, brightness and sharpness')
    .argument('<inputs...>', 'video files (or, with --aggregate, partial results)')
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
    .option('-o, --output <file>', 'write JSON here instead of stdout')
    .option(
      '--threshold <score>',
      'minimum change score of a cut (default 8)',
      numberOption('--threshold', 1, 255),
    )
    .option('--min-shot <frames>', 'fewest frames in a shot (default 15)', intOption('--min-shot', 1, 10_000))
    .option('--edges', 'score edge changes too')
    .option(
      '--hwaccel <kind>',
      'decode and scale on none|cuda|vaapi|qsv',
      choiceOption('--hwaccel', ['none', 'cuda', 'vaapi', 'qsv'] as const),
      'none',
    )
    .action(
      action(async (inputs: string[], flags: ScenesFlags) =>
        writeJson(flags.output, await scenes(inputs, flags)),
      ),
    );

  analyze
    .command('beats')
    .description('tempo, beat times, energy and onset curves of an audio or video file')
    .argument('<file>', 'audio or video file')
    .option('-o, --output <file>', 'write JSON here instead of stdout')
    .action(
      action(async (file: string, flags: { output?: string }) =>
        writeJson(flags.output, await analyzeBeatsFile(file)),
      ),
    );

  analyze
    .command('proxy')
    .description('write a low-resolution copy for analysis and editing')
    .argument('<input>', 'video file')
    .requiredOption('-o, --output <file>', 'proxy file (.mp4)')
    .option('--height <px>', 'proxy height (default 360)', intOption('--height', 90, 2160))
    .action(
      action(async (input: string, flags: { output: string; height?: number }) => {
        const result = await makeProxy({ input, output: flags.output, height: flags.height });
        process.stdout.write(`${JSON.stringify(result)}\n`);
      }),
    );
}

async function scenes(inputs: string[], flags: ScenesFlags): Promise<unknown> {
  const overrides: Partial<SceneOptions> = {
    ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
    ...(flags.minShot !== undefined ? { minShotFrames: flags.minShot } : {}),
    ...(flags.edges ? { weights: { ...DEFAULT_SCENE_OPTIONS.weights, edges: EDGE_WEIGHT } } : {}),
  };
  if (flags.aggregate) {
    const partials = await Promise.all(inputs.map(readPartial));
    return aggregateScenes(partials, overrides);
  }
  const measure = { edges: flags.edges ?? false, hwaccel: flags.hwaccel };
  const envIndex = process.env.JOB_COMPLETION_INDEX;
  if (flags.shardCount !== undefined || flags.shardIndex !== undefined) {
    if (inputs.length !== 1)
      throw new FramefleetError('INVALID_ARGUMENT', `a shard run takes one input, got ${inputs.length}`);
    if (flags.shardCount === undefined)
      throw new FramefleetError('INVALID_ARGUMENT', '--shard-index needs --shard-count');
    const index = flags.shardIndex ?? indexFromEnv(envIndex);
    return measureScenes(inputs[0]!, { ...measure, shardIndex: index, shardCount: flags.shardCount });
  }
  const results = [];
  for (const input of inputs) {
    const count = flags.shards;
    if (count === undefined) {
      results.push(await analyzeScenes(input, { ...measure, scene: overrides }));
      continue;
    }
    const partials = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        measureScenes(input, { ...measure, shardIndex: i, shardCount: count }),
      ),
    );
    results.push(aggregateScenes(partials, overrides));
  }
  return results.length === 1 ? results[0] : { kind: 'scenes-list', results };
}

function indexFromEnv(value: string | undefined): number {
  if (value === undefined)
    throw new FramefleetError('INVALID_ARGUMENT', 'give --shard-index or set JOB_COMPLETION_INDEX');
  const n = Number(value);
  if (!/^\d+$/.test(value) || n >= MAX_SHARDS) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected JOB_COMPLETION_INDEX to be an integer from 0 to ${MAX_SHARDS - 1}, got ${show(value)}`,
    );
  }
  return n;
}

async function readPartial(path: string): Promise<ScenePartial> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FramefleetError('INPUT_NOT_FOUND', `partial result ${show(path)} cannot be read`, { cause });
  }
  try {
    return JSON.parse(text) as ScenePartial;
  } catch (cause) {
    throw new FramefleetError('INVALID_ARGUMENT', `partial result ${show(path)} is not JSON`, { cause });
  }
}

/** Writes JSON to a file atomically (temp name, then rename) or to stdout. */
async function writeJson(output: string | undefined, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value)}\n`;
  if (!output) {
    process.stdout.write(text);
    return;
  }
  const temp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, output);
  } catch (cause) {
    throw new FramefleetError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${show(output)}: ${(cause as Error).message}`,
      { cause },
    );
  }
}
