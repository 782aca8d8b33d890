import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ScenePartial, SceneOptions, SceneResult } from '../analysis/scenes/index.js';
import type { BeatResult } from '../analysis/beats/index.js';
import { FramefleetError, show } from '../errors.js';
import type { ProxyResult } from '../media/proxy.js';
import { analyzeBeatsFile } from '../pipelines/analyze/measure-beats.js';
import type { AnalyzeFlags, ProxyFlags, ScenesFlags } from './analyze.js';
import { echoWarnings } from './cli-logger.js';
import { OVERWRITE_HINT, inputArgument, pathArgument, STDIN } from './common.js';
import { takeEarlyDecode } from './early-decode.js';
import { interruptible } from './interrupt.js';
import type { fleetRun } from './redis-options.js';
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
    if (fleet) return fleetScenes(inputs, flags as ScenesFlags, fleet, named);
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

async function printResult(
  result: AnalysisResult,
  flags: { json?: boolean; output?: string },
): Promise<void> {
  echoWarnings(resultWarnings(result));
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const { analysisSummary } = await import('./analysis-summary.js');
    process.stdout.write(`${analysisSummary(result, flags.output)}\n`);
  }
}

/**
 * `analyze scenes --redis`: the same analysis as a fleet job (`analyze.scenes`, as the API submits
 * it), its shards run by whichever workers serve them; the result is printed or written as a local
 * run's. Workers read the inputs by the paths given, so standard input and the shard and aggregate
 * runs (Indexed Jobs' own splitting) are refused with it.
 */
async function fleetScenes(
  inputs: string[],
  flags: ScenesFlags,
  fleet: NonNullable<ReturnType<typeof fleetRun>>,
  named: string[],
): Promise<void> {
  const refused = [
    inputs.includes(STDIN) && 'an input `-` (standard input: the workers cannot read it)',
    flags.aggregate && '--aggregate',
    (flags.shardIndex !== undefined || flags.shardCount !== undefined) && '--shard-index/--shard-count',
  ].find(Boolean);
  if (refused) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `--redis runs the analysis as one fleet job: ${refused} cannot go with it (give --shards K to split it)`,
    );
  }
  const spec = {
    inputs: inputs.map((input, i) => inputArgument(input, `input ${i + 1}`)),
    ...(flags.shards !== undefined ? { shards: flags.shards } : {}),
    ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
    ...(flags.minShot !== undefined ? { minShotFrames: flags.minShot } : {}),
    ...(flags.edges ? { edges: true } : {}),
    hwaccel: flags.hwaccel,
  };
  const { runFleetJob } = await import('./fleet-job.js');
  // --json prints the result alone on stdout, as a local run does: no progress events there.
  const job = await runFleetJob((backend, priority) => backend.submit('analyze.scenes', spec, { priority }), {
    ...fleet,
    mode: flags.json ? 'quiet' : process.stderr.isTTY ? 'tty' : 'lines',
  });
  if (!job) return;
  if (job.state !== 'done') {
    const { jobFailure } = await import('./job-report.js');
    throw jobFailure(job);
  }
  const result = job.result as AnalysisResult;
  if (flags.output) {
    await writeJson(flags.output, result, named, {
      overwrite: flags.overwrite,
      overwriteHint: OVERWRITE_HINT,
    });
  }
  await printResult(result, flags);
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

/** The warnings of a result, or of each result of a list. Pure. */
function resultWarnings(result: AnalysisResult): string[] | undefined {
  if ('kind' in result && result.kind === 'scenes-list')
    return result.results.flatMap((r) => r.warnings ?? []);
  return (result as { warnings?: string[] }).warnings;
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
    const index = flags.shardIndex ?? indexFromEnv(process.env.JOB_COMPLETION_INDEX, flags.shardCount);
    return measureScenes(inputs[0]!, { ...measure, shardIndex: index, shardCount: flags.shardCount });
  }
  const results: SceneResult[] = [];
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

/** Writes JSON next to the output under a temporary name, then publishes it (never over an input). */
async function writeJson(
  output: string,
  value: unknown,
  inputs: readonly string[],
  target: { overwrite?: boolean; overwriteHint: string },
): Promise<void> {
  const path = resolve(output);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const { publishOutput } = await import('../storage/output-target.js');
    await writeFile(temp, `${JSON.stringify(value)}\n`);
    await publishOutput(temp, path, inputs, target);
  } catch (cause) {
    if (cause instanceof FramefleetError) throw cause;
    throw new FramefleetError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${show(output)}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  } finally {
    await rm(temp, { force: true });
  }
}
