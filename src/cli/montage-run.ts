import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { JobRecord } from '../engine/types.js';
import { candidatesFor, parseHwaccelPolicy } from '../media/encoders/select.js';
import { statInput } from '../media/probe.js';
import {
  parseMontageSpec,
  type EditOutput,
  type MontageResult,
  type MontageSpec,
} from '../pipelines/montage/index.js';
import type { RenderOutput } from '../pipelines/montage/payloads.js';
import { expandClips } from '../pipelines/montage/clip-folders.js';
import { storyboardPath } from '../pipelines/montage/spec.js';
import { defaultDataDir } from '../runtime/local.js';
import { checkOutputTarget } from '../storage/output-target.js';
import {
  OVERWRITE_HINT,
  formatDuration,
  outputMode,
  inputArgument,
  outputArgument,
  plural,
} from './common.js';
import { jobFailure } from './job-report.js';
import { runLocalJob } from './local-job.js';
import type { MontageFlags } from './montage.js';
import { fleetRun } from './redis-options.js';

export async function montageSpecFrom(flags: MontageFlags): Promise<MontageSpec> {
  return parseMontageSpec({
    clips: await expandClips(flags.clips),
    music: inputArgument(flags.music, '--music'),
    output: outputArgument(flags.output, '--output'),
    duration: flags.duration,
    aspect: flags.aspect,
    height: flags.height,
    fps: flags.fps,
    lut: flags.lut === undefined ? undefined : inputArgument(flags.lut, '--lut'),
    stabilize: flags.stabilize ?? false,
    seed: flags.seed,
    edl: flags.edl === undefined ? undefined : outputArgument(flags.edl, '--edl', 'edit.edl'),
    otio: flags.otio === undefined ? undefined : outputArgument(flags.otio, '--otio', 'edit.otio'),
    encoder: flags.encoder,
    quality: flags.quality,
    preset: flags.preset,
    overwrite: flags.overwrite ?? false,
    hwaccel: parseHwaccelPolicy(process.env.FFMPEG_HWACCEL),
  });
}

/** Refusals that need no job: missing inputs, outputs that exist or are inputs. */
async function preflight(spec: MontageSpec): Promise<void> {
  const inputs = [...spec.clips, spec.music, ...(spec.lut ? [spec.lut] : [])];
  for (const input of inputs) await statInput(input);
  for (const output of [spec.output, spec.edl, spec.otio, storyboardPath(spec.output)]) {
    if (output === undefined) continue;
    await checkOutputTarget(output, inputs, { overwrite: spec.overwrite, overwriteHint: OVERWRITE_HINT });
  }
}

export async function montageCommand(flags: MontageFlags): Promise<void> {
  const fleet = fleetRun({ prefix: 'ff', ...flags });
  const spec = await montageSpecFrom(flags);
  await preflight(spec);
  const started = Date.now();
  const mode = outputMode(flags);
  let job: JobRecord | undefined;
  if (fleet) {
    // BullMQ and ioredis load only for a fleet run (about 130 ms of a local run's start-up otherwise).
    const { runFleetJob } = await import('./fleet-job.js');
    job = await runFleetJob((backend, priority) => backend.submit('montage', spec, { priority }), {
      ...fleet,
      mode,
      verbose: flags.verbose,
    });
  } else {
    job = await runLocalJob((backend) => backend.submit('montage', spec), {
      dataDir: resolve(flags.dataDir ?? defaultDataDir()),
      cpuSlots: flags.workers ?? availableParallelism(),
      gpuSlots: flags.gpuSlots,
      candidates: candidatesFor({ encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel }),
      keepIntermediates: flags.keepIntermediates,
      mode,
      verbose: flags.verbose,
    });
  }
  if (job) reportMontage(job, started, flags);
}

/** Prints a finished montage: output, verification, the edit and what was reused. */
function reportMontage(job: JobRecord, startedMs: number, flags: { json?: boolean }): void {
  if (job.state !== 'done') throw jobFailure(job);
  const result = job.result as MontageResult;
  const edit = job.tasks.find((t) => t.id === 'edit')?.output as EditOutput | undefined;
  const analyses = job.tasks.filter((t) => t.kind === 'montage.clip' || t.kind === 'montage.music');
  const cachedAnalyses = analyses.filter(
    (t) => (t.output as { cached?: boolean } | undefined)?.cached,
  ).length;
  const renders = job.tasks.filter((t) => t.kind === 'montage.render');
  // A render task renders a run of entries, one storyboard thumbnail each.
  const entriesOf = (tasks: typeof renders) =>
    tasks.reduce((n, t) => n + ((t.output as RenderOutput | undefined)?.thumbKeys.length ?? 0), 0);
  const wallSec = (Date.now() - startedMs) / 1000;
  const summary = {
    entries: result.entries,
    renderedEntries: entriesOf(renders.filter((t) => !t.reused)),
    reusedEntries: entriesOf(renders.filter((t) => t.reused)),
    renderRuns: renders.length,
    reusedRuns: renders.filter((t) => t.reused).length,
    analyses: analyses.length,
    cachedAnalyses,
    tempo: edit?.tempo ?? null,
    skipped: edit?.edl.skipped,
  };
  if (flags.json) {
    const line = {
      type: 'result',
      jobId: job.id,
      state: job.state,
      wallSec,
      ...summary,
      ...result,
      editList: edit?.edl,
      beats: edit?.beats,
      ...(job.warnings?.length ? { warnings: job.warnings } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return;
  }
  const audio =
    result.audioDurationSec !== undefined ? `, audio ${result.audioDurationSec.toFixed(3)} s` : '';
  const skipped = skippedLine(summary.skipped);
  process.stdout.write(
    `${result.output}\n` +
      `verified: ${plural(result.frames, 'frame')} = the sum of ${plural(result.entries, 'entry', 'entries')}, video ${result.videoDurationSec.toFixed(3)} s${audio}\n` +
      `${plural(summary.renderedEntries, 'entry', 'entries')} rendered, ${summary.reusedEntries} reused (${plural(summary.renderRuns, 'render task', 'render tasks')}); ${cachedAnalyses} of ${plural(analyses.length, 'analysis', 'analyses')} from cache; ${formatDuration(wallSec)} wall\n` +
      skipped +
      `storyboard: ${result.storyboard}\n` +
      (result.edl ? `edl: ${result.edl}\n` : '') +
      (result.otio ? `otio: ${result.otio}\n` : ''),
  );
}

/** "skipped: 2 blurry, 1 short": the shots the edit left out, so a thin edit explains itself. Pure. */
export function skippedLine(skipped: { black: number; blurry: number; short: number } | undefined): string {
  const parts = Object.entries(skipped ?? {})
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`);
  return parts.length ? `skipped shots: ${parts.join(', ')}\n` : '';
}
