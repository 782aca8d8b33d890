import { readFile } from 'node:fs/promises';
import type { ScenePartial, SceneOptions, SceneResult } from '../analysis/scenes/index.js';
import type { BeatResult } from '../analysis/beats/index.js';
import { analysisProgress } from './analysis-progress.js';
import { FramefleetError, show } from '../errors.js';
import type { ProxyResult } from '../media/proxy.js';
import { analyzeBeatsFile } from '../pipelines/analyze/measure-beats.js';
import type { AnalyzeFlags, ProxyFlags, ScenesFlags } from './analyze.js';
import { printResult, writeJson } from './analyze-output.js';
import { OVERWRITE_HINT, inputArgument, pathArgument, STDIN } from './common.js';
import { takeEarlyDecode } from './early-decode.js';
import { interruptible } from './interrupt.js';
import type { SpooledStdin } from './stdin-input.js';

type Flags = { scenes: ScenesFlags; beats: AnalyzeFlags; proxy: ProxyFlags };

/**
 * Runs one analysis in this process; Ctrl-C stops its ffmpeg runs and writes nothing. An input `-`
 * is standard input, copied to a private temporary file that is analysed as a named file is and
 * removed whatever happens; results and messages name it `-`.
 */
export async function analyzeCommand<K extends keyof Flags>(
  name: K,
  inputs: string[],
  flags: Flags[K],
): Promise<void> {
  // `-o -` is standard output, as for Unix tools: the JSON result there, not a file named `-`.
  if (name !== 'proxy' && flags.output === STDIN) flags = { ...flags, output: undefined, json: true };
  const target = { overwrite: flags.overwrite, overwriteHint: OVERWRITE_HINT };
  // Standard input's module loads only where it is read: `analyze beats FILE` starts no slower.
  const stdin = inputs.includes(STDIN) ? await import('./stdin-input.js') : undefined;
  stdin?.checkStdinInputs(name, inputs, { aggregate: (flags as ScenesFlags).aggregate });
  // What an output must not be: the named files (standard input is none).
  const named = inputs.filter((input) => input !== STDIN);
  // A proxy is an MP4 whatever its name: another extension is refused as the API refuses it.
  if (name === 'proxy') await checkProxySpec(inputs[0]!, flags as ProxyFlags);
  // The decode index.ts started for `analyze beats`, if any: stopped if the command fails first.
  const decode = name === 'beats' ? takeEarlyDecode(inputs[0]!) : undefined;
  // Before any work: an output that is an input, that exists without -y, or has no folder.
  if (flags.output) {
    const { checkOutputTarget } = await import('../storage/output-target.js');
    await checkOutputTarget(flags.output, named, target).catch((error: unknown) => {
      decode?.abort();
      throw error;
    });
  }
  if (name === 'scenes') {
    const { fleetRun } = await import('./redis-options.js');
    const fleet = fleetRun({ prefix: 'ff', ...(flags as ScenesFlags) });
    if (fleet) {
      const { fleetScenes } = await import('./analyze-fleet.js');
      return fleetScenes(inputs, flags as ScenesFlags, fleet, named);
    }
  }
  const result = await interruptible(
    async (signal) => {
      if (name === 'proxy') {
        const { output, height } = flags as ProxyFlags;
        // Each analysis loads only its own modules: `analyze beats` on many files starts fast.
        const { makeProxy } = await import('../media/proxy.js');
        return makeProxy({ input: inputs[0]!, output, height, signal, ...target });
      }
      const spooled: SpooledStdin | undefined = await stdin?.spoolStdin(signal);
      const paths = spooled ? inputs.map((input) => (input === STDIN ? spooled.path : input)) : inputs;
      try {
        let value =
          name === 'scenes'
            ? await scenes(paths, flags as ScenesFlags, signal)
            : await analyzeBeatsFile(paths[0]!, { signal, decode });
        if (spooled) value = fromStdin(value, spooled.path);
        if (flags.output) await writeJson(flags.output, value, named, target);
        return value;
      } catch (error) {
        if (spooled && error instanceof Error) error.message = asStdin(error.message, spooled.path);
        throw error;
      } finally {
        await spooled?.remove();
      }
    },
    { hint: () => `nothing was written; run the same command again` },
  );
  await printResult(result as AnalysisResult, flags);
}

/** Validates the proxy as the API would (its output must end in .mp4 or .m4v); nothing is written. */
async function checkProxySpec(input: string, flags: ProxyFlags): Promise<void> {
  const { parseWith, proxySpecSchema } = await import('../pipelines/analyze/spec-schemas.js');
  parseWith(proxySpecSchema, 'proxy', {
    input: inputArgument(input, 'input'),
    output: pathArgument(flags.output, '--output'),
    overwrite: flags.overwrite ?? false,
    height: flags.height,
  });
}

/** `text` with the copy of standard input named as the user named it, `-`. Pure. */
function asStdin(text: string, spooled: string): string {
  return text.split(spooled).join(STDIN);
}

/** A result of the file standard input was copied to, naming it `-` as the user did. Pure. */
function fromStdin(value: AnalysisResult, spooled: string): AnalysisResult {
  const renamed = <R extends object>(result: R): R => {
    const { source, warnings } = result as { source?: { path: string }; warnings?: string[] };
    return {
      ...result,
      ...(source?.path === spooled ? { source: { ...source, path: STDIN } } : {}),
      ...(warnings ? { warnings: warnings.map((warning) => asStdin(warning, spooled)) } : {}),
    };
  };
  if ('kind' in value && value.kind === 'scenes-list')
    return { ...value, results: value.results.map(renamed) };
  return renamed(value);
}

export type AnalysisResult =
  | SceneResult
  | ScenePartial
  | { kind: 'scenes-list'; results: SceneResult[] }
  | (BeatResult & { source: { path: string } })
  | ProxyResult;

async function scenes(inputs: string[], flags: ScenesFlags, signal: AbortSignal): Promise<AnalysisResult> {
  const { aggregateScenes, analyzeScenes, measureScenes } =
    await import('../pipelines/analyze/measure-scenes.js');
  const { DEFAULT_SCENE_OPTIONS, EDGE_WEIGHT } = await import('../analysis/scenes/index.js');
  const overrides: Partial<SceneOptions> = {
    ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
    ...(flags.minShot !== undefined ? { minShotFrames: flags.minShot } : {}),
    ...(flags.edges ? { weights: { ...DEFAULT_SCENE_OPTIONS.weights, edges: EDGE_WEIGHT } } : {}),
  };
  if (flags.aggregate) {
    const partials = await Promise.all(inputs.map(readPartial));
    return aggregateScenes(partials, overrides);
  }
  const measure = { edges: flags.edges ?? false, hwaccel: flags.hwaccel, signal };
  if (flags.shardCount !== undefined || flags.shardIndex !== undefined) {
    if (inputs.length !== 1)
      throw new FramefleetError('INVALID_ARGUMENT', `a shard run takes one input, got ${inputs.length}`);
    if (flags.shardCount === undefined)
      throw new FramefleetError('INVALID_ARGUMENT', '--shard-index needs --shard-count');
    // Its partial is what the aggregate reads: a summary alone would measure and then lose it.
    if (!flags.output && !flags.json)
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        'a shard run writes a partial result for --aggregate: give -o FILE (or --json to print it)',
      );
    const index = flags.shardIndex ?? indexFromEnv(process.env.JOB_COMPLETION_INDEX, flags.shardCount);
    return measureScenes(inputs[0]!, { ...measure, shardIndex: index, shardCount: flags.shardCount });
  }
  const results: SceneResult[] = [];
  for (const input of inputs) {
    const count = flags.shards;
    if (count === undefined) {
      const progress = analysisProgress(input, flags);
      try {
        results.push(
          await analyzeScenes(input, { ...measure, scene: overrides, onProgress: progress.onProgress }),
        );
      } finally {
        progress.done();
      }
      continue;
    }
    const partials = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        measureScenes(input, { ...measure, shardIndex: i, shardCount: count }),
      ),
    );
    results.push(aggregateScenes(partials, overrides));
  }
  return results.length === 1 ? results[0]! : { kind: 'scenes-list', results };
}

function indexFromEnv(value: string | undefined, count: number): number {
  if (value === undefined)
    throw new FramefleetError('INVALID_ARGUMENT', 'give --shard-index or set JOB_COMPLETION_INDEX');
  const n = Number(value);
  if (!/^\d+$/.test(value) || n >= count) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected JOB_COMPLETION_INDEX to be an integer from 0 to ${count - 1}, got ${show(value)}`,
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
  let partial: ScenePartial;
  try {
    partial = JSON.parse(text) as ScenePartial;
  } catch (cause) {
    throw new FramefleetError('INVALID_ARGUMENT', `partial result ${show(path)} is not JSON`, { cause });
  }
  // A whole result (`analyze scenes X -o`) given by mistake: say which file, and what it is.
  const kind = (partial as { kind?: unknown } | null)?.kind;
  if (kind !== 'scenes-partial') {
    const what = typeof kind === 'string' ? `a ${show(kind)} result` : 'not a framefleet result';
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `${show(path)} is not a scenes partial result (${what}); --aggregate takes the files written by --shard-index/--shard-count runs`,
    );
  }
  return partial;
}
