import { show } from '../../errors.js';
import type { PlanContext } from '../../engine/types.js';
import { seekIndexOf } from '../../media/keyframe-seek.js';
import type { MediaInfo, SubtitleStreamInfo } from '../../media/probe.js';
import { cutTailWarning } from '../../analysis/scenes/scene-result.js';

/** What of the source's tracks the output keeps (see unkeptWarning). */
export interface KeptTracks {
  /** Audio tracks kept (0 with `--audio none`). */
  audio: number;
  /** Subtitle tracks the output's container cannot hold. */
  droppedSubtitles: readonly SubtitleStreamInfo[];
  /** `--audio none`: no audio track is kept, as asked. */
  audioNone?: boolean;
  /** An HLS/DASH ladder, which keeps the first audio track and no subtitles. */
  ladder?: boolean;
  /** The output's container, for the message: MP4, MOV, Matroska. */
  container: string;
}

/**
 * What the output will not have of the source's tracks: a ladder's audio after the first and its
 * subtitles, bitmap subtitles an MP4/MOV cannot hold (named by track and codec), cover art (the
 * output is a video: its pictures are the video's). Undefined where everything is kept. Pure.
 */
export function unkeptWarning(
  source: Pick<MediaInfo, 'path' | 'audioTracks' | 'subtitles' | 'coverArt'>,
  kept: KeptTracks,
): string | undefined {
  const art = source.coverArt ?? [];
  const cover = art.length
    ? `input ${show(source.path)} has cover art (${art.map((a) => `stream ${a.index}: ${a.codec}`).join(', ')}) that the output will not have: it is a video, its pictures are the video's`
    : undefined;
  const tracks = unkeptTracks(source, kept);
  return tracks && cover ? `${tracks}; ${cover}` : (tracks ?? cover);
}

function unkeptTracks(
  source: Pick<MediaInfo, 'path' | 'audioTracks' | 'subtitles'>,
  kept: KeptTracks,
): string | undefined {
  const audio = kept.audioNone ? 0 : Math.max(0, source.audioTracks.length - kept.audio);
  const parts = [
    ...(audio ? [`${audio} more audio track${audio === 1 ? '' : 's'}`] : []),
    ...(kept.droppedSubtitles.length
      ? [
          `subtitle track${kept.droppedSubtitles.length === 1 ? '' : 's'} (${kept.droppedSubtitles
            .map((s) => `stream ${s.index}: ${s.codec}`)
            .join(', ')})`,
        ]
      : []),
  ];
  if (parts.length === 0) return undefined;
  const why = kept.ladder
    ? `an HLS/DASH ladder keeps only the first video ${kept.audioNone ? 'track' : 'and audio tracks'}`
    : kept.container === 'Matroska'
      ? 'Matroska holds no subtitles of that codec'
      : `${kept.container} holds no bitmap subtitles (only text ones, as mov_text); use a .mkv output to keep them`;
  return `input ${show(source.path)} has ${parts.join(' and ')} that the output will not have: ${why}`;
}

/** Audio past the video's end that a ladder drops: more than this is said. */
const AUDIO_PAST_VIDEO_SEC = 0.5;

/**
 * Audio that runs on past the video's last frame (`videoSec` after the video's first), which an
 * HLS/DASH ladder ends with the video (a plain transcode keeps it); undefined within half a
 * second or where the audio's length is not known. Pure.
 */
export function audioPastVideoWarning(
  source: Pick<MediaInfo, 'path' | 'audio' | 'video'>,
  videoSec: number,
): string | undefined {
  const { audio, video } = source;
  if (!audio?.durationSec || !video) return undefined;
  const audioEnd = audio.startTimeSec + audio.durationSec;
  const videoEnd = video.startTimeSec + videoSec;
  const past = audioEnd - videoEnd;
  if (!(past > AUDIO_PAST_VIDEO_SEC)) return undefined;
  return `input ${show(source.path)} has audio running ${past.toFixed(3)} s past its video's end (${audioEnd.toFixed(3)} s against ${videoEnd.toFixed(3)} s): an HLS/DASH ladder ends its audio with the video, so that part is not in the output (a plain transcode keeps it)`;
}

/**
 * An MP4 or MOV cut mid-GOP (`-ss -c copy -copyinkf`): a seek into it decodes some frames after a
 * keyframe wrongly (its edit list starts where no sync sample is), so its segments would not join
 * frame-exactly. It is encoded in one piece. Pure.
 */
export function wholeOnly(source: MediaInfo): boolean {
  return Boolean(source.video?.undecodableLead) && seekIndexOf(source.formatName) === 'samples';
}

/**
 * Says what of the input the output will not have: tracks (unkeptWarning), video before a cut-in
 * GOP's keyframe, the damaged end of a transport stream cut short.
 */
export function warnUnkept(source: MediaInfo, ctx: PlanContext, kept: KeptTracks): void {
  const lead = source.video?.undecodableLead;
  if (lead) {
    ctx.log.warn(
      { jobId: ctx.jobId, undecodable: lead },
      `input ${show(source.path)} starts mid-GOP: its first ${lead} video packet${lead === 1 ? '' : 's'} (before its first keyframe) cannot be decoded, so the output starts at that keyframe, ${(source.video!.startTimeSec - source.startTimeSec).toFixed(3)} s into the file${wholeOnly(source) ? '; encoded as one segment (a seek into such an MP4 or MOV does not give its frames exactly)' : ''}`,
    );
  }
  const tail = source.video?.cutTail;
  if (tail) ctx.log.warn({ jobId: ctx.jobId, cutTail: tail }, cutTailWarning(source.path, tail, 'encoded'));
  const message = unkeptWarning(source, kept);
  if (message) {
    ctx.log.warn({ jobId: ctx.jobId, dropped: kept.droppedSubtitles.map((s) => s.index) }, message);
  }
}
