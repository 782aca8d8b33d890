import { FramefleetError, show } from '../errors.js';
import { probe, type MediaInfo } from './probe.js';

export interface OutputExpectation {
  frames: number;
  /** Source audio end minus source video end, seconds: the output must keep the same relation. */
  sourceAvGapSec: number | undefined;
  /** Samples per audio frame / sample rate: the tolerance for A/V duration agreement. */
  audioFrameSec: number;
}

export interface OutputVerification {
  info: MediaInfo;
  frames: number;
  videoDurationSec: number;
  audioDurationSec: number | undefined;
  avGapSec: number | undefined;
}

/** Re-reads a stitched output and fails loudly unless frames and A/V durations match the plan. */
export async function verifyOutput(path: string, expect: OutputExpectation): Promise<OutputVerification> {
  const info = await probe(path);
  const video = info.video;
  if (!video) throw new FramefleetError('VERIFY_FAILED', `output ${show(path)} has no video stream`);
  if (video.frameCount !== expect.frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `output ${show(path)} has ${video.frameCount} frames, expected ${expect.frames} (the source's)`,
    );
  }
  const videoEnd = video.startTimeSec + video.durationSec;
  let avGapSec: number | undefined;
  if (expect.sourceAvGapSec !== undefined) {
    if (!info.audio) throw new FramefleetError('VERIFY_FAILED', `output ${show(path)} lost its audio stream`);
    avGapSec = info.audio.startTimeSec + info.audio.durationSec - videoEnd;
    if (Math.abs(avGapSec - expect.sourceAvGapSec) > expect.audioFrameSec + 1e-3) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `output ${show(path)} audio and video durations disagree: audio ends ${avGapSec.toFixed(4)} s after video, source ${expect.sourceAvGapSec.toFixed(4)} s (tolerance ${expect.audioFrameSec.toFixed(4)} s)`,
      );
    }
  }
  return {
    info,
    frames: video.frameCount,
    videoDurationSec: video.durationSec,
    audioDurationSec: info.audio?.durationSec,
    avGapSec,
  };
}

/** Source facts the verification compares against. */
export function expectationFor(source: MediaInfo, frames: number, keepAudio: boolean): OutputExpectation {
  const video = source.video!;
  const audio = keepAudio ? source.audio : undefined;
  return {
    frames,
    sourceAvGapSec: audio
      ? audio.startTimeSec + audio.durationSec - (video.startTimeSec + video.durationSec)
      : undefined,
    audioFrameSec: audio ? audio.frameSize / audio.sampleRate : 0.025,
  };
}
