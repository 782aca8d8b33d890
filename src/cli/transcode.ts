import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FramefleetError } from '../errors.js';
import type { JobRecord } from '../engine/types.js';
import { PRESETS } from '../media/encoders/quality.js';
import { candidatesFor, parseHwaccelPolicy } from '../media/encoders/select.js';
import { MAX_SEGMENTS, parseTranscodeSpec, type StitchOutput } from '../pipelines/transcode/index.js';
import { defaultDataDir, openLocalBackend } from '../runtime/local.js';
import { cliLogger } from './cli-logger.js';
import { action, choiceOption, die, formatDuration, intOption, numberOption } from './common.js';
import { ProgressPrinter } from './progress.js';

export interface TranscodeFlags {
  output: string;
  segments?: number;
  segmentSeconds?: number;
  encoder: string;
  codec: 'h264' | 'hevc' | 'av1';
  quality?: number;
  preset?: (typeof PRESETS)[number];
  audio: 'auto' | 'copy' | 'aac' | 'none';
  sceneCuts?: boolean;
  workers?: number;
  gpuSlots?: number;
  dataDir?: string;
  keepIntermediates?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Shared by `transcode` and `submit`: the flags that make a transcode spec. */
export function addTranscodeSpecOptions(command: Command): Command {
  return command
    .requiredOption('-o, --output <file>', 'output file (.mp4, .m4v, .mov, .mkv)')
    .option(
      '--segments <n>',
      `number of segments (1-${MAX_SEGMENTS})`,
      intOption('--segments', 1, MAX_SEGMENTS),
    )
    .option(
      '--segment-seconds <s>',
      'target segment length in seconds',
      numberOption('--segment-seconds', 0.5, 3600),
    )
    .option(
      '--encoder <name>',
      'auto, a family (x264, x265, svtav1, nvenc, vaapi, qsv, amf, cpu) or an ffmpeg encoder',
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
    )
    .option('--preset <p>', `speed preset: ${PRESETS.join('|')}`, choiceOption('--preset', PRESETS))
    .option(
      '--audio <mode>',
      'auto|copy|aac|none',
      choiceOption('--audio', ['auto', 'copy', 'aac', 'none'] as const),
      'auto',
    );
}

/** Builds the validated spec from CLI input; paths become absolute here, once. */
export function transcodeSpecFrom(input: string, flags: TranscodeFlags) {
  if (flags.segments !== undefined && flags.segmentSeconds !== undefined) {
    throw new FramefleetError('INVALID_ARGUMENT', 'give either --segments or --segment-seconds, not both');
  }
  return parseTranscodeSpec({
    input: resolve(input),
    output: resolve(flags.output),
    segments: flags.segments,
    segmentSeconds: flags.segmentSeconds,
    encoder: flags.encoder,
    codec: flags.codec,
    quality: flags.quality,
    preset: flags.preset,
    audio: flags.audio,
    sceneCuts: flags.sceneCuts ?? false,
    hwaccel: parseHwaccelPolicy(process.env.FFMPEG_HWACCEL),
  });
}

export function registerTranscode(program: Command): void {
  addTranscodeSpecOptions(
    program
      .command('transcode')
      .description('split a video into segments, encode them in parallel, stitch and verify')
      .argument('<input>', 'input video file'),
  )
    .option('--workers <n>', 'concurrent CPU encodes (default: core count)', intOption('--workers', 1, 256))
    .option(
      '--gpu-slots <n>',
      'concurrent encodes per GPU vendor (NVENC session limit)',
      intOption('--gpu-slots', 1, 64),
    )
    .option(
      '--data-dir <dir>',
      'where job state and segments live (default: $FRAMEFLEET_DATA_DIR or ~/.cache/framefleet)',
    )
    .option('--keep-intermediates', 'keep segment files after a verified stitch')
    .option('--json', 'machine-readable events and result on stdout')
    .option('-q, --quiet', 'no progress output')
    .option('-v, --verbose', 'more detail, including ffmpeg output on errors')
    .action(action(async (input: string, flags: TranscodeFlags) => transcodeCommand(input, flags)));
}

async function transcodeCommand(input: string, flags: TranscodeFlags): Promise<void> {
  const spec = transcodeSpecFrom(input, flags);
  const mode = flags.json ? 'json' : flags.quiet ? 'quiet' : process.stderr.isTTY ? 'tty' : 'lines';
  const log = cliLogger({
    quiet: flags.quiet || flags.json,
    verbose: flags.verbose,
    clearLine: mode === 'tty',
  });
  const cpuSlots = flags.workers ?? availableParallelism();
  const backend = await openLocalBackend({
    dataDir: resolve(flags.dataDir ?? defaultDataDir()),
    cpuSlots,
    gpuSlots: flags.gpuSlots,
    log,
    candidates: candidatesFor({ encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel }),
    keepIntermediates: flags.keepIntermediates,
  });
  let segments = 0;
  const printer = new ProgressPrinter(mode, () => segments);
  let jobId = '';
  backend.subscribe((event) => {
    if (event.jobId !== jobId) return;
    if (event.type === 'job' && event.state === 'running')
      void backend.get(jobId).then((j) => (segments = countSegments(j)));
    printer.handle(event);
  });
  const interrupt = () => {
    void backend.close().then(() => {
      process.stderr.write(
        `\nframefleet: interrupted; run the same command again to resume (job ${jobId})\n`,
      );
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const started = Date.now();
  const submitted = await backend.submit('transcode', spec);
  jobId = submitted.id;
  const job = await backend.wait(jobId);
  printer.finish(job);
  await backend.close();
  finishTranscode(job, started, flags);
}

function countSegments(job: JobRecord | undefined): number {
  return job?.tasks.filter((t) => t.kind === 'transcode.segment').length ?? 0;
}

/** Fails the command with the job's error, or prints the verified result (shared with `submit`). */
export function finishTranscode(
  job: JobRecord,
  startedMs: number,
  flags: { json?: boolean; verbose?: boolean },
): void {
  if (job.state !== 'done') {
    const error = job.error ?? { code: 'INTERNAL', message: `job ${job.id} ended ${job.state}` };
    die(
      new FramefleetError(error.code as never, error.message, { ffmpegTail: error.ffmpegTail }),
      flags.verbose,
    );
  }
  const wallSec = (Date.now() - startedMs) / 1000;
  const result = job.result as StitchOutput;
  const segments = job.tasks.filter((t) => t.kind === 'transcode.segment');
  const reused = segments.filter((t) => t.reused).length;
  const workers = new Set(job.tasks.map((t) => t.worker).filter(Boolean)).size;
  if (flags.json) {
    const line = {
      type: 'result',
      jobId: job.id,
      state: job.state,
      wallSec,
      segments: segments.length,
      reusedSegments: reused,
      workers,
      ...result,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return;
  }
  const av =
    result.audioDurationSec !== undefined
      ? `, audio ${result.audioDurationSec.toFixed(3)} s (A/V within one audio frame of the source)`
      : ', no audio';
  process.stdout.write(
    `${result.output}\n` +
      `verified: ${result.frames} frames = source, video ${result.videoDurationSec.toFixed(3)} s${av}\n` +
      `${segments.length} segments (${reused} reused) on ${workers} worker(s), encoder ${result.encoder}, ${formatDuration(wallSec)} wall\n`,
  );
}
