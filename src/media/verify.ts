import { FramefleetError, show } from '../errors.js';
import { hasSampleTables, mp4PresentedFrames, presentedVideoFrames, readMoov } from './mp4-samples.js';
import { mp4Timing, type StreamTiming } from './mp4-timing.js';
import { probe, type MediaInfo } from './probe.js';

export interface OutputExpectation {
  frames: number;
  /** Source audio end minus source video end, seconds: the output must keep the same relation. */
  sourceAvGapSec: number | undefined;
  /** Samples per audio frame / sample rate: the tolerance for A/V duration agreement. */
  audioFrameSec: number;
  /**
   * The source audio's length as probed, where that is an estimate (MPEG-TS and other containers
   * without a sample index): the stitch replaces it with the length of the audio it carries.
   */
  sourceAudioSec?: number;
}

export interface OutputVerification {
  frames: number;
  videoDurationSec: number;
  audioDurationSec: number | undefined;
  avGapSec: number | undefined;
  /** Video start minus the file's start (its earliest stream's), seconds: where -ss finds frame 0. */
  videoOffsetSec: number;
}

/**
 * Presented video frames of a file we wrote: from an MP4/MOV's sample table in-process, else from
 * ffprobe's packet scan (Matroska, fragmented MP4).
 */
export async function videoFrames(path: string, signal?: AbortSignal): Promise<number> {
  return (await mp4PresentedFrames(path)) ?? (await probe(path, { signal })).video?.frameCount ?? 0;
}

/**
 * Re-reads a written output and fails loudly unless frames and A/V durations match the plan. An
 * MP4/MOV answers from its moov in-process (frames from the sample table, starts and lengths from
 * the edit lists, as ffprobe reports them); anything its tables cannot answer, from ffprobe.
 */
export async function verifyOutput(path: string, expect: OutputExpectation): Promise<OutputVerification> {
  const streams = (await moovStreams(path)) ?? (await probedStreams(path));
  const { video, audio } = streams;
  if (!video) throw new FramefleetError('VERIFY_FAILED', `output ${show(path)} has no video stream`);
  if (video.frames !== expect.frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `output ${show(path)} has ${video.frames} frames, expected ${expect.frames} (the source's)`,
    );
  }
  const videoEnd = video.startSec + video.durationSec;
  let avGapSec: number | undefined;
  if (expect.sourceAvGapSec !== undefined) {
    if (!audio) throw new FramefleetError('VERIFY_FAILED', `output ${show(path)} lost its audio stream`);
    avGapSec = audio.startSec + audio.durationSec - videoEnd;
    if (Math.abs(avGapSec - expect.sourceAvGapSec) > expect.audioFrameSec + 1e-3) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `output ${show(path)} audio and video durations disagree: audio ends ${avGapSec.toFixed(4)} s after video, source ${expect.sourceAvGapSec.toFixed(4)} s (tolerance ${expect.audioFrameSec.toFixed(4)} s)`,
      );
    }
  }
  return {
    frames: video.frames,
    videoDurationSec: video.durationSec,
    audioDurationSec: audio?.durationSec,
    avGapSec,
    videoOffsetSec: video.startSec - Math.min(video.startSec, audio?.startSec ?? video.startSec),
  };
}

interface WrittenStreams {
  video: (StreamTiming & { frames: number }) | undefined;
  audio: StreamTiming | undefined;
}

async function moovStreams(path: string): Promise<WrittenStreams | undefined> {
  const moov = await readMoov(path);
  const frames = moov && presentedVideoFrames(moov);
  const timing = moov && mp4Timing(moov);
  if (frames === undefined || !timing) return undefined;
  return { video: { ...timing.video, frames }, audio: timing.audio };
}

/** The same facts from one ffprobe of the header, frames from the sample table or a packet scan. */
async function probedStreams(path: string): Promise<WrittenStreams> {
  const counted = await mp4PresentedFrames(path);
  const info = await probe(path, { headerOnly: counted !== undefined });
  const timing = (s: { startTimeSec: number; durationSec: number }) => ({
    startSec: s.startTimeSec,
    durationSec: s.durationSec,
  });
  return {
    video: info.video && { ...timing(info.video), frames: counted ?? info.video.frameCount },
    audio: info.audio && timing(info.audio),
  };
}

/**
 * Source facts the verification compares against. `fps` is the output's constant rate: a VFR
 * source's video ends where its normalised timeline does (its `frames` at that rate), not where
 * its header says, since the header's length counts the last frame at whatever duration the muxer
 * gave it (Matroska none, an MP4 the frame before's) and the output's ends the grid's last slot.
 */
export function expectationFor(
  source: MediaInfo,
  frames: number,
  keepAudio: boolean,
  fps: number,
): OutputExpectation {
  const video = source.video!;
  const audio = keepAudio ? source.audio : undefined;
  const videoSec = video.variableFrameRate ? frames / fps : video.durationSec;
  return {
    frames,
    sourceAvGapSec: audio
      ? audio.startTimeSec + audio.durationSec - (video.startTimeSec + videoSec)
      : undefined,
    // An MP4/MOV's durations are exact (its edit lists hide the AAC priming the stream carries);
    // other containers' are estimates that the stitch replaces with the audio it carries.
    ...(audio && !hasSampleTables(source.formatName) ? { sourceAudioSec: audio.durationSec } : {}),
    audioFrameSec: audio ? audio.frameSize / audio.sampleRate : 0.025,
  };
}
