import type { SceneResult } from '../analysis/scenes/index.js';
import { FramefleetError } from '../errors.js';
import type { ScenesFlags } from './analyze.js';
import { printResult, writeJson } from './analyze-output.js';
import type { AnalysisResult } from './analyze-run.js';
import { inputArgument, outputMode, OVERWRITE_HINT, STDIN } from './common.js';
import type { fleetRun } from './redis-options.js';

/**
 * `analyze scenes --redis`: the same analysis as a fleet job (`analyze.scenes`, as the API submits
 * it), its shards run by whichever workers serve them; the result is printed or written as a local
 * run's. Workers read the inputs by the paths given, so standard input and the shard and aggregate
 * runs (Indexed Jobs' own splitting) are refused with it.
 */
export async function fleetScenes(
  inputs: string[],
  flags: ScenesFlags,
  fleet: NonNullable<ReturnType<typeof fleetRun>>,
  named: string[],
): Promise<void> {
  const refused = [
    inputs.includes(STDIN) && 'an input `-` (standard input: the workers cannot read it)',
    flags.aggregate && '--aggregate (the job merges its own shards)',
    (flags.shardIndex !== undefined || flags.shardCount !== undefined) &&
      '--shard-index/--shard-count (give --shards K to split it)',
    fleet.detach &&
      flags.output !== undefined &&
      `-o with --detach (nothing waits to write it; \`framefleet jobs show ID --redis URL --json\` has the result)`,
  ].find(Boolean);
  if (refused) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `--redis runs the analysis as one fleet job: ${refused} cannot go with it`,
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
    mode: outputMode({ quiet: flags.json || flags.quiet }),
  });
  if (!job) return;
  if (job.state !== 'done') {
    const { jobFailure } = await import('./job-report.js');
    throw jobFailure(job);
  }
  // The workers read the paths made absolute; the result names each input as it was given.
  const given = new Map(spec.inputs.map((path, i) => [path, inputs[i]!]));
  const asGiven = <R extends { source?: { path: string } }>(r: R): R =>
    r.source && given.has(r.source.path)
      ? { ...r, source: { ...r.source, path: given.get(r.source.path)! } }
      : r;
  const raw = job.result as AnalysisResult;
  const result =
    'kind' in raw && raw.kind === 'scenes-list'
      ? { ...raw, results: raw.results.map(asGiven) }
      : asGiven(raw as SceneResult);
  if (flags.output) {
    await writeJson(flags.output, result, named, {
      overwrite: flags.overwrite,
      overwriteHint: OVERWRITE_HINT,
    });
  }
  await printResult(result, flags);
}
