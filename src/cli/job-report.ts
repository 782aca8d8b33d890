import type { JobRecord } from '../engine/types.js';
import { FramefleetError, type ErrorCode } from '../errors.js';
import type { LadderOutput } from '../pipelines/transcode/ladder-payloads.js';
import type { StitchOutput } from '../pipelines/transcode/payloads.js';
import { API_HINT } from '../storage/output-target.js';
import { formatDuration, OVERWRITE_HINT, plural } from './common.js';
import { runStats } from './run-stats.js';

/**
 * The error a job that did not finish ends the command with (its exit code follows its code). An
 * output that appeared while the job ran names the command's way to replace it (the engine, which
 * serves the API too, names the spec's `overwrite`).
 */
export function jobFailure(job: JobRecord, overwriteHint = OVERWRITE_HINT): FramefleetError {
  const error = job.error ?? { code: 'INTERNAL', message: `job ${job.id} ended ${job.state}` };
  const message =
    error.code === 'OUTPUT_EXISTS' ? error.message.replace(API_HINT, overwriteHint) : error.message;
  return new FramefleetError(error.code as ErrorCode, message, { ffmpegTail: error.ffmpegTail });
}

/** Prints a finished transcode: the output, its verification and what the run did; throws if it failed. */
export function reportTranscode(
  job: JobRecord,
  startedMs: number,
  flags: { json?: boolean; overwriteHint?: string },
): void {
  if (job.state !== 'done') throw jobFailure(job, flags.overwriteHint);
  const wallSec = (Date.now() - startedMs) / 1000;
  const result = job.result as StitchOutput;
  const stats = runStats(job.tasks);
  if (flags.json) {
    const line = {
      type: 'result',
      jobId: job.id,
      state: job.state,
      wallSec,
      segments: stats.segments,
      reusedSegments: stats.reused,
      encodedFrames: stats.encodedFrames,
      encodeFps: stats.fps,
      peakParallel: stats.peakParallel,
      workers: stats.workers,
      ...result,
      // Also said on stderr as they came (see local-job.ts): here for whoever reads only stdout.
      ...(job.warnings?.length ? { warnings: job.warnings } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return;
  }
  const verified = verificationLine(result, job.type === 'transcode');
  process.stdout.write(`${result.output}\n${verified}\n${runLine(stats, result, wallSec)}\n`);
}

/**
 * "verified: 360 frames = source, video 12.001 s, audio 12.000 s (...)": what the stitch proved. A
 * render has no source: its frames are the timeline's, its audio ends with its video.
 */
export function verificationLine(result: StitchOutput, fromSource = true): string {
  const ladder = result as StitchOutput & Partial<LadderOutput>;
  if (ladder.renditions) {
    const rungs = ladder.renditions.map((r) => `${r.height}p ${Math.round(r.bandwidth / 1000)}k`).join(', ');
    const audio = result.audioDurationSec !== undefined ? ', audio once' : '';
    const also = (ladder.manifests ?? []).filter((m) => m !== result.output);
    return (
      `verified: ${plural(ladder.renditions.length, 'rendition')} (${rungs}) x ` +
      `${plural(ladder.segments ?? 0, 'aligned segment')}, ` +
      `${plural(result.frames, 'frame')} = source in each${audio}${also.length ? `; also ${also.join(' ')}` : ''}`
    );
  }
  const av =
    result.audioDurationSec !== undefined
      ? `, audio ${result.audioDurationSec.toFixed(3)} s (A/V within one audio frame of ${fromSource ? 'the source' : 'each other'})`
      : ', no audio';
  const frames = !fromSource
    ? `${plural(result.frames, 'frame')} = the timeline`
    : result.sourceFrames !== undefined
      ? `${plural(result.frames, 'frame')} = the source's ${result.sourceFrames} variable-rate frames on a constant-rate timeline`
      : `${plural(result.frames, 'frame')} = source`;
  return `verified: ${frames}, video ${result.videoDurationSec.toFixed(3)} s${av}`;
}

function runLine(stats: ReturnType<typeof runStats>, result: StitchOutput, wallSec: number): string {
  const wall = `${formatDuration(wallSec)} wall`;
  // A ladder's pieces are chunks, each every rung of its frames (its fps counts every rung's frames).
  const pieces = plural(stats.segments, (result as Partial<LadderOutput>).renditions ? 'chunk' : 'segment');
  if (stats.encodedFrames === 0) {
    return `nothing re-encoded: ${pieces} reused, encoder ${result.encoder}, ${wall}`;
  }
  const reused = stats.reused ? ` (${stats.reused} reused)` : '';
  const where = stats.workers > 1 ? ` on ${stats.workers} workers` : '';
  const fps = stats.fps !== undefined ? `, ${Math.round(stats.fps)} fps over the run` : '';
  return (
    `${pieces}${reused} encoded with ${result.encoder}${where}, ` +
    `up to ${stats.peakParallel} at once${fps}, ${wall}`
  );
}
