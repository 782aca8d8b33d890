import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Executor, ExecutorContext } from '../../engine/types.js';
import { FramefleetError, isFramefleetError, show } from '../../errors.js';
import { binaries } from '../../media/binaries.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { probe } from '../../media/probe.js';
import { formatRational, rationalValue } from '../../media/rational.js';
import { runFfmpeg, runProgram } from '../../media/run.js';
import { withInput } from '../job-files.js';
import type { SegmentOutput, SegmentPayload } from './payloads.js';
import {
  convertFramesArgs,
  decodeRangeArgs,
  encodeProcessedArgs,
  framesPattern,
  type FrameSource,
} from './process-args.js';
import {
  chainFingerprint,
  expandArgv,
  resolveChain,
  scaledSize,
  type Processor,
  type Processors,
  type ProcessStep,
} from './process-chain.js';
import { framesIn } from './process-frames.js';

/** A processed segment: frames [start, end) plus `before`/`after` context frames (clamped at the file's edges). */
export interface ProcessSegmentPayload extends SegmentPayload {
  process: ProcessStep;
  before: number;
  after: number;
  /** The job's frame size, what the first processor gets. */
  width: number;
  height: number;
}

// Decoding and encoding a segment are bounded like a segment encode; processors by their own timeout.
const MEDIA_TIMEOUT_MS = 2 * 60 * 60_000;

/**
 * Decodes a segment and its context, runs the chain of processors on it in the task's scratch
 * directory (pinned to the task's GPU), checks that each returned exactly the frames it was given at
 * the expected size (fatal otherwise), drops the context, encodes with the job's encoder and
 * publishes atomically. A crash or a timeout is retried, with the processor's stderr tail.
 */
export function processSegment(processors: Processors): Executor<ProcessSegmentPayload, SegmentOutput> {
  return async (p, ctx) => {
    const encoder = encoderByName(p.encoder);
    if (!encoder)
      throw new FramefleetError(
        'UNKNOWN_ENCODER',
        `unknown encoder ${show(p.encoder)} in task ${ctx.taskId}`,
      );
    const chain = resolveChain(p.process.names, processors);
    if (chainFingerprint(p.process.names, processors) !== p.process.fingerprint) {
      throw new FramefleetError(
        'INVALID_CONFIG',
        `processors ${p.process.names.join(', ')} are configured with another io, scale or context on worker ${ctx.workerId} than where job ${ctx.jobId} was planned`,
      );
    }
    const first = p.start - p.before;
    const total = p.end + p.after - first;
    const label = `segment ${p.index} (frames ${p.start}-${p.end - 1})`;
    const stage = (from: number, to: number) => (fraction: number) =>
      ctx.progress({ fraction: from + (to - from) * Math.min(1, fraction) });

    let current = await sourceFor(chain[0]!.io, ctx.scratchDir, 0);
    const decodeProgress = stage(0, 0.1);
    await withInput(p.input, ctx, (input) =>
      runFfmpeg(decodeRangeArgs({ ...p, input, start: first, end: first + total, to: current }), {
        signal: ctx.signal,
        timeoutMs: MEDIA_TIMEOUT_MS,
        label: `decode ${label} with ${p.before}+${p.after} context frames`,
        onProgress: (pr) => decodeProgress(pr.frame / total),
      }),
    );
    let size = { width: p.width, height: p.height };
    for (const [k, processor] of chain.entries()) {
      const name = p.process.names[k]!;
      const input = await convertTo(current, processor.io, ctx, k, p);
      const output = await sourceFor(processor.io, ctx.scratchDir, k + 1, 'out');
      const expected = scaledSize(size.width, size.height, processor.scale);
      const stepDir = join(ctx.scratchDir, `step-${k + 1}`);
      await mkdir(stepDir, { recursive: true });
      await runProcessor(name, processor, ctx, {
        input,
        output,
        cwd: stepDir,
        values: {
          width: String(size.width),
          height: String(size.height),
          out_width: String(expected.width),
          out_height: String(expected.height),
          fps: String(Number(rationalValue(p.rate).toFixed(6))),
          fps_rational: formatRational(p.rate),
          frames: String(total),
          segment: String(p.index),
          first_frame: String(first),
          context_before: String(p.before),
          context_after: String(p.after),
        },
        label: `processor ${name} on ${label}`,
      });
      await checkFrames(output, { name, label, total, expected, signal: ctx.signal });
      current = output;
      size = expected;
      ctx.progress({ fraction: 0.1 + (0.8 * (k + 1)) / chain.length });
    }
    const frames = p.end - p.start;
    const tmp = join(ctx.scratchDir, `segment-${p.index}.mp4`);
    const encodeProgress = stage(0.9, 1);
    await runFfmpeg(
      encodeProcessedArgs({
        from: current,
        skip: p.before,
        frames,
        rate: p.rate,
        pixFmt: p.process.pixFmt,
        encoder,
        settings: p.settings,
        renderNode: ctx.gpu?.renderNode,
        output: tmp,
      }),
      {
        signal: ctx.signal,
        ...(ctx.gpu ? { env: { ...process.env, ...ctx.gpu.env } } : {}),
        timeoutMs: MEDIA_TIMEOUT_MS,
        label: `encode processed ${label} with ${p.encoder}`,
        onProgress: (pr) => encodeProgress(pr.frame / frames),
      },
    );
    const got = (await probe(tmp, { signal: ctx.signal })).video?.frameCount ?? 0;
    if (got !== frames) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `processed ${label} has ${got} frames after encoding, expected ${frames}`,
      );
    }
    const stored = await ctx.storage.put(p.key, tmp, { move: true });
    return { key: p.key, frames, size: stored.size };
  };
}

async function sourceFor(
  io: Processor['io'],
  scratch: string,
  step: number,
  what = 'in',
): Promise<FrameSource> {
  if (io === 'video') return { kind: 'video', path: join(scratch, `${what}-${step}.mkv`) };
  const dir = join(scratch, `${what}-${step}`);
  await mkdir(dir, { recursive: true });
  return { kind: 'frames', dir };
}

/** The frames in the form the next processor takes (a chain may mix video and PNG processors). */
async function convertTo(
  current: FrameSource,
  io: Processor['io'],
  ctx: ExecutorContext,
  step: number,
  p: ProcessSegmentPayload,
): Promise<FrameSource> {
  if (current.kind === io) return current;
  const to = await sourceFor(io, ctx.scratchDir, step, 'conv');
  await runFfmpeg(convertFramesArgs(current, to, p.rate), {
    signal: ctx.signal,
    timeoutMs: MEDIA_TIMEOUT_MS,
    label: `convert segment ${p.index} frames to ${io} for step ${step + 1}`,
  });
  return to;
}

interface ProcessorRun {
  input: FrameSource;
  output: FrameSource;
  cwd: string;
  values: Record<string, string>;
  label: string;
}

/** One processor run: argv from its template, no shell, its GPU only, its timeout; failures named. */
async function runProcessor(name: string, processor: Processor, ctx: ExecutorContext, run: ProcessorRun) {
  const bins = binaries();
  const files: Record<string, string> =
    run.input.kind === 'video' && run.output.kind === 'video'
      ? { input: run.input.path, output: run.output.path }
      : run.input.kind === 'frames' && run.output.kind === 'frames'
        ? {
            frames_in: run.input.dir,
            frames_out: run.output.dir,
            frames_in_pattern: framesPattern(run.input.dir),
            frames_out_pattern: framesPattern(run.output.dir),
          }
        : {};
  const argv = expandArgv(processor.command, {
    ...run.values,
    ...files,
    gpu: ctx.gpu ? String(ctx.gpu.gpu.index) : '',
    scratch: run.cwd,
    ffmpeg: bins.ffmpeg,
    ffprobe: bins.ffprobe,
  });
  // A task without a GPU slot must not take one: CUDA sees only the device the task is pinned to.
  const env = { ...process.env, CUDA_VISIBLE_DEVICES: '', ...(ctx.gpu?.env ?? {}) };
  try {
    await runProgram(argv[0]!, argv.slice(1), {
      signal: ctx.signal,
      env,
      cwd: run.cwd,
      timeoutMs: processor.timeoutSeconds * 1000,
      label: run.label,
    });
  } catch (error) {
    if (!isFramefleetError(error) || error.code === 'CANCELLED') throw error;
    const code = error.code === 'FFMPEG_TIMEOUT' ? 'PROCESSOR_TIMEOUT' : 'PROCESSOR_FAILED';
    // `{frames_in}/%06d.png` in a folder whose path holds a `%`: ffmpeg reads that `%` as the pattern's.
    const pattern = run.cwd.includes('%') && processor.command.some((a) => /\{frames_(in|out)\}\/?%/.test(a));
    const hint = pattern
      ? ` (the data dir's path holds a %, which ffmpeg reads as part of the pattern after {frames_in} or {frames_out}: give {frames_in_pattern} and {frames_out_pattern} instead)`
      : '';
    throw new FramefleetError(code, `${error.message}${hint}`, {
      cause: error,
      ffmpegTail: error.ffmpegTail,
      details: { processor: name },
    });
  }
}

/** Exactly the frames it was given, each at the size its scale promises; anything else is fatal. */
async function checkFrames(
  output: FrameSource,
  want: {
    name: string;
    label: string;
    total: number;
    expected: { width: number; height: number };
    signal: AbortSignal;
  },
): Promise<void> {
  const found = await framesIn(output, want.signal).catch((cause: unknown) => {
    throw new FramefleetError(
      'PROCESSOR_OUTPUT',
      `processor ${want.name} on ${want.label} wrote no readable output`,
      { cause, fatal: true },
    );
  });
  const size = `${want.expected.width}x${want.expected.height}`;
  const details = { processor: want.name, expected: want.total, actual: found.count };
  if (found.count !== want.total) {
    throw new FramefleetError(
      'PROCESSOR_OUTPUT',
      `processor ${want.name} returned ${found.count} frames for ${want.label}, expected ${want.total} (the segment's frames and their context)`,
      { details },
    );
  }
  if (found.misnamed !== undefined) {
    throw new FramefleetError(
      'PROCESSOR_OUTPUT',
      `processor ${want.name} on ${want.label} wrote frame ${show(found.misnamed)} out of sequence; expected 000001.png to ${String(want.total).padStart(6, '0')}.png, the names it was given`,
      { details },
    );
  }
  const wrong = found.sizes.filter((s) => s !== size);
  if (wrong.length > 0) {
    throw new FramefleetError(
      'PROCESSOR_OUTPUT',
      `processor ${want.name} returned frames of ${wrong.join(', ')} for ${want.label}, expected ${size}`,
      { details: { ...details, expectedSize: size, actualSizes: found.sizes } },
    );
  }
}
