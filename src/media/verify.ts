import { FramefleetError, show } from '../errors.js';
import { hasSampleTables, mp4PresentedFrames, presentedVideoFrames, readMoov } from './mp4-samples.js';
import { mp4Timing, type StreamTiming } from './mp4-timing.js';
import { probe, type MediaInfo } from './probe.js';
import { trackName } from './track-name.js';
import { timelineStartSec } from './vfr.js';

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
  /**
   * The audio tracks after the first, each held to its source's A/V relation as the first is
   * (checked with `sourceAvGapSec`; absent in plans made before, where the first alone is checked).
   */
  moreAudio?: readonly AudioTrackExpectation[] | undefined;
}

/** An audio track after the first: its fields as the first track's in OutputExpectation. */
export interface AudioTrackExpectation {
  sourceAvGapSec: number;
  audioFrameSec: number;
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
  const streams = (await moovStreams(path)) ?? (await probedStreams(path).catch(unreadable(path)));
  const { video, audio } = streams;
  if (!video) throw new FramefleetError('VERIFY_FAILED', `output ${show(path)} has no video stream`);
  if (video.frames !== expect.frames) {
    throw new FramefleetError(
      'VERIFY_FAILED',
      `output ${show(path)} has ${video.frames} frames, expected ${expect.frames} (the source's)`,
    );
  }
  const videoEnd = video.startSec + video.durationSec;
  const first = audio[0];
  let avGapSec: number | undefined;
  if (expect.sourceAvGapSec !== undefined) {
    if (!first) throw new FramefleetError('VERIFY_FAILED', `output ${show(path)} lost its audio stream`);
    const tracks: AudioTrackExpectation[] = [
      { sourceAvGapSec: expect.sourceAvGapSec, audioFrameSec: expect.audioFrameSec },
      ...(expect.moreAudio ?? []),
    ];
    if (audio.length < tracks.length) {
      throw new FramefleetError(
        'VERIFY_FAILED',
        `output ${show(path)} has ${audio.length} audio tracks, expected ${tracks.length} (the source's)`,
      );
    }
    // Every track against the video, each with its own source's relation and frame as tolerance.
    for (const [i, want] of tracks.entries()) {
      const track = audio[i]!;
      const gap = track.startSec + track.durationSec - videoEnd;
      if (Math.abs(gap - want.sourceAvGapSec) > want.audioFrameSec + 1e-3) {
        throw new FramefleetError(
          'VERIFY_FAILED',
          `output ${show(path)} audio ${await audioTrackName(path, i)} and video durations disagree: audio ${track.durationSec.toFixed(4)} s, video ${video.durationSec.toFixed(4)} s; the audio ends ${gap.toFixed(4)} s after the video, in the source ${want.sourceAvGapSec.toFixed(4)} s (tolerance ${want.audioFrameSec.toFixed(4)} s)`,
        );
      }
    }
    avGapSec = first.startSec + first.durationSec - videoEnd;
  }
  return {
    frames: video.frames,
    videoDurationSec: video.durationSec,
    audioDurationSec: first?.durationSec,
    avGapSec,
    videoOffsetSec: video.startSec - Math.min(video.startSec, first?.startSec ?? video.startSec),
  };
}

/** The output's audio track `i` (from 0) as a message names it: its stream and language from ffprobe. */
async function audioTrackName(path: string, i: number): Promise<string> {
  const track = await probe(path, { headerOnly: true }).then(
    (info) => info.audioTracks[i],
    () => undefined,
  );
  return track ? trackName({ ...track, position: i + 1 }) : `track ${i + 1}`;
}

interface WrittenStreams {
  video: (StreamTiming & { frames: number }) | undefined;
  /** Every audio track, in the file's order. */
  audio: StreamTiming[];
}

async function moovStreams(path: string): Promise<WrittenStreams | undefined> {
  const moov = await readMoov(path);
  const frames = moov && presentedVideoFrames(moov);
  const timing = moov && mp4Timing(moov);
  if (frames === undefined || !timing) return undefined;
  return { video: { ...timing.video, frames }, audio: timing.audioTracks };
}

/**
 * A probe's refusal of a file we wrote is the write's failure, not bad media: the probe names it
 * an input (INPUT_CORRUPT, fatal, exit 2), which blamed the user's source for a lost moov.
 */
function unreadable(path: string): (error: unknown) => never {
  return (error) => {
    const code = error instanceof FramefleetError ? error.code : undefined;
    if (code !== 'INPUT_CORRUPT' && code !== 'INPUT_NOT_MEDIA') throw error;
    const tail = (error as FramefleetError).ffmpegTail;
    const said = tail?.split('\n').pop();
    throw new FramefleetError(
      'VERIFY_FAILED',
      `output ${show(path)} cannot be read back${said ? `: ${said}` : ''}`,
      {
        cause: error,
        ...(tail !== undefined ? { ffmpegTail: tail } : {}),
      },
    );
  };
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
    audio: info.audioTracks.map(timing),
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
  const videoEnd = timelineStartSec(source) + (video.variableFrameRate ? frames / fps : video.durationSec);
  const tracks = (keepAudio ? source.audioTracks : []).map((audio) => ({
    sourceAvGapSec: audio.startTimeSec + audio.durationSec - videoEnd,
    // An MP4/MOV's durations are exact (its edit lists hide the AAC priming the stream carries);
    // other containers' are estimates that the stitch replaces with the audio it carries.
    ...(!hasSampleTables(source.formatName) ? { sourceAudioSec: audio.durationSec } : {}),
    audioFrameSec: audio.frameSize / audio.sampleRate,
  }));
  const [first, ...more] = tracks;
  return {
    frames,
    sourceAvGapSec: first?.sourceAvGapSec,
    ...(first?.sourceAudioSec !== undefined ? { sourceAudioSec: first.sourceAudioSec } : {}),
    audioFrameSec: first?.audioFrameSec ?? 0.025,
    ...(more.length ? { moreAudio: more } : {}),
  };
}
