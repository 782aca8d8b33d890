import { FramefleetError, show } from '../errors.js';
import { frameTime, type Rational } from './rational.js';
import type { RunResult } from './run.js';

/** What libavcodec prints for input it cannot decode (a garbage SPS, slices without a valid PPS). */
const DECODE_ERROR =
  /Error while decoding stream[^\n]*|Invalid data found when processing input|sps_id \d+ out of range|non-existing PPS \d+ referenced|decode_slice_header error|Error splitting the input into NAL units/i;
/** ...and what ffmpeg prints when, after that, not one frame reached the filters or the output. */
const NOTHING_DECODED =
  /Cannot determine format of input stream|Error marking filters as finished|Nothing was written into output file|Output file is empty/i;

/** ffmpeg's exit status when more than the allowed share of frames (2/3) failed to decode. */
const DECODE_ERROR_RATE_EXIT = 69;

/** Whether a signal ended the ffmpeg run (a kill, the OOM killer), not ffmpeg's own exit. */
export function killedBySignal(error: FramefleetError): boolean {
  return typeof error.details?.signal === 'string';
}

/**
 * An ffmpeg run that failed because its input decoded to nothing, or mostly failed to decode (exit
 * 69), is a bad input (INPUT_CORRUPT, exit 2, not retried), not an ffmpeg failure worth three
 * tries. Anything else is returned as it was: a run killed by a signal, or one whose input
 * decoded, keeps its own error. Pure.
 */
export function undecodableInput(input: string, error: unknown): unknown {
  if (!(error instanceof FramefleetError) || error.code !== 'FFMPEG_FAILED') return error;
  const tail = error.ffmpegTail ?? '';
  const decode = DECODE_ERROR.exec(tail)?.[0].trim();
  let why: string;
  if (error.details?.exitCode === DECODE_ERROR_RATE_EXIT) {
    why = `more than two thirds of its frames failed to decode${decode ? ` (${decode})` : ''}`;
  } else if (decode && NOTHING_DECODED.test(tail) && !killedBySignal(error)) {
    why = `ffmpeg decoded no frame of it (${decode})`;
  } else {
    return error;
  }
  return new FramefleetError('INPUT_CORRUPT', `input ${show(input)} is corrupt: ${why}`, {
    cause: error,
    ffmpegTail: tail,
  });
}

/**
 * A run that exited cleanly but wrote fewer frames than asked, while ffmpeg reported frames of the
 * input it could not decode (a damaged GOP is skipped): the input is corrupt, not the run unlucky.
 * `shortBy` is the frames missing. Undefined where the tail shows no decode error. Pure.
 */
export function partlyUndecodable(
  input: string,
  stderrTail: string,
  shortBy: number,
): FramefleetError | undefined {
  const decode = DECODE_ERROR.exec(stderrTail) ?? /\[h264 @ [^\]]+\] ([^\n]*error[^\n]*)/i.exec(stderrTail);
  if (!decode || shortBy <= 0) return undefined;
  return new FramefleetError(
    'INPUT_CORRUPT',
    `input ${show(input)} is corrupt: ${shortBy} of its frames could not be decoded (${(decode[1] ?? decode[0]).trim()})`,
    { ffmpegTail: stderrTail },
  );
}

/**
 * What ffmpeg prints when a frame of the input is lost: a packet that failed to decode (at any log
 * level), or one its demuxer found damaged (at `warning`; a damaged MPEG-TS loses whole frames).
 * ffmpeg goes on without the frame, and a later frame or a repeat takes its place.
 */
export const LOST_FRAME = /Error while decoding stream #\d+:\d+|corrupt input packet in stream \d+/;

/** The stretch of the input a run read: a frame range of the job's timeline, or words ("near 2.76 s"). */
export type InputStretch = string | { start: number; end: number; rate: Rational };

/**
 * The INPUT_CORRUPT for a run that finished while ffmpeg reported a lost frame (`LOST_FRAME`, its
 * `watched` line) in `where` (the stretch of the input it read, where known): its output would hold
 * other frames in their place. Undefined where the run lost none. Pure.
 */
export function lostFrame(
  input: string,
  run: Pick<RunResult, 'watched' | 'stderrTail'>,
  where?: InputStretch,
): FramefleetError | undefined {
  if (run.watched === undefined) return undefined;
  const stretch =
    typeof where === 'object'
      ? `between ${frameTime(where.start, where.rate).toFixed(2)} s and ${frameTime(where.end, where.rate).toFixed(2)} s`
      : where;
  return new FramefleetError(
    'INPUT_CORRUPT',
    `input ${show(input)} is corrupt: a frame${stretch ? ` ${stretch}` : ''} could not be read (${run.watched.replace(/^\S+: /, '')}); ffmpeg would put another frame in its place`,
    { ffmpegTail: run.stderrTail },
  );
}
