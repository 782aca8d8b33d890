import { lstat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { FramefleetError } from '../errors.js';
import { candidatesFor, parseHwaccelPolicy } from '../media/encoders/select.js';
import { statInput } from '../media/probe.js';
import { parseTranscodeSpec, transcodePipeline, type TranscodeSpec } from '../pipelines/transcode/index.js';
import { parseLadder, parsePackages } from '../pipelines/transcode/ladder-spec.js';
import { defaultDataDir } from '../runtime/local.js';
import { checkOutputTarget, outputExists } from '../storage/output-target.js';
import { OVERWRITE_HINT, outputMode, inputArgument, outputArgument } from './common.js';
import { reportTranscode } from './job-report.js';
import { runLocalJob } from './local-job.js';
import { checkProcessorsHere } from './process-check.js';
import { currentConfig } from './config-apply.js';
import { processorsOf } from '../runtime/processors.js';
import { resolveChain } from '../pipelines/transcode/index.js';
import { fleetRun } from './redis-options.js';
import type { TranscodeFlags } from './transcode.js';

/** Builds the validated spec from CLI input; paths become absolute here, once. */
export function transcodeSpecFrom(input: string, flags: TranscodeFlags): TranscodeSpec {
  if (flags.segments !== undefined && flags.segmentSeconds !== undefined) {
    throw new FramefleetError('INVALID_ARGUMENT', 'give either --segments or --segment-seconds, not both');
  }
  return parseTranscodeSpec({
    input: inputArgument(input, 'input'),
    output: outputArgument(flags.output, '--output'),
    segments: flags.segments,
    segmentSeconds: flags.segmentSeconds,
    encoder: flags.encoder,
    codec: flags.codec,
    quality: flags.quality,
    preset: flags.preset,
    pixelFormat: flags.pixelFormat,
    deinterlace: flags.deinterlace,
    audio: flags.audio,
    sceneCuts: flags.sceneCuts ?? false,
    overwrite: flags.overwrite ?? false,
    faststart: flags.faststart,
    hwaccel: parseHwaccelPolicy(process.env.FFMPEG_HWACCEL),
    process: flags.process,
    ladder: flags.ladder === undefined ? undefined : parseLadder(flags.ladder),
    packages: flags.package === undefined ? undefined : parsePackages(flags.package),
    hlsKey: flags.hlsKey === undefined ? undefined : inputArgument(flags.hlsKey, '--hls-key'),
    hlsKeyUri: flags.hlsKeyUri,
  });
}

/** Refusals that need no job: a missing input, an output that is the input, exists, or has no folder. */
export async function preflight(spec: { input: string; output: string; overwrite: boolean }): Promise<void> {
  await statInput(spec.input);
  await checkOutputTarget(spec.output, [spec.input], {
    overwrite: spec.overwrite,
    overwriteHint: OVERWRITE_HINT,
  });
}

const URL_PATH = /^[a-z][a-z0-9+.-]*:\/\//i;

export async function transcodeCommand(input: string, flags: TranscodeFlags): Promise<void> {
  const fleet = fleetRun({ prefix: 'ff', ...flags });
  if (fleet) return fleetTranscode(input, flags, fleet);
  const spec = transcodeSpecFrom(input, flags);
  const processors = processorsOf(currentConfig());
  await preflight(spec);
  if (spec.process) await checkProcessorsHere(spec.process, processors);
  const started = Date.now();
  const job = await runLocalJob((backend) => backend.submit('transcode', spec), {
    dataDir: resolve(flags.dataDir ?? defaultDataDir()),
    cpuSlots: flags.workers ?? availableParallelism(),
    gpuSlots: flags.gpuSlots,
    candidates: candidatesFor({ encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel }),
    requested: spec.encoder.trim(),
    fixedSlots: flags.workers !== undefined,
    keepIntermediates: flags.keepIntermediates,
    mode: outputMode(flags),
    verbose: flags.verbose,
    processors,
    pipelines: [transcodePipeline],
  });
  reportTranscode(job, started, flags);
}

/** The same transcode on the fleet: s3:// inputs and outputs stay URLs; the planning worker checks them. */
async function fleetTranscode(
  input: string,
  flags: TranscodeFlags,
  fleet: NonNullable<ReturnType<typeof fleetRun>>,
): Promise<void> {
  const spec = transcodeSpecFrom(URL_PATH.test(input) ? 'placeholder' : input, {
    ...flags,
    output: URL_PATH.test(flags.output) ? 'placeholder.mp4' : flags.output,
  });
  if (URL_PATH.test(input)) spec.input = input;
  if (URL_PATH.test(flags.output)) spec.output = flags.output;
  // An output that exists here is refused before anything is queued, in the CLI's words (with
  // --detach the job failed later, saying `overwrite: true` as the API does). Its folder is the
  // workers' to judge: this machine may not have it.
  if (
    !spec.overwrite &&
    !URL_PATH.test(spec.output) &&
    (await lstat(resolve(spec.output)).catch(() => undefined))
  ) {
    throw outputExists(spec.output, OVERWRITE_HINT);
  }
  // Unknown names are refused here, before anything is queued (the planning worker checks again).
  const processors = processorsOf(currentConfig());
  if (spec.process) resolveChain(spec.process, processors);
  const started = Date.now();
  // Loaded only for a fleet run: BullMQ and ioredis cost a local run ~0.2 s of CPU at start-up.
  const { runFleetJob } = await import('./fleet-job.js');
  const job = await runFleetJob((backend, priority) => backend.submit('transcode', spec, { priority }), {
    ...fleet,
    mode: outputMode(flags),
    verbose: flags.verbose,
    processors,
  });
  if (job) reportTranscode(job, started, flags);
}
