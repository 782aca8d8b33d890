import type { AudioContainer } from '../../media/audio-containers.js';
import type { AudioStreamInfo, SubtitleStreamInfo } from '../../media/probe.js';
import type { TrackTags } from '../../media/stitch-args.js';
import type { AudioTrackExpectation } from '../../media/verify.js';

export type { TrackTags };

/** A kept subtitle track: its number among the source's subtitles (`0:s:N`) and its output codec. */
export interface SubtitleTrack {
  stream: number;
  /** `copy`, or the encoder that converts it: `mov_text` (MP4/MOV), `srt` (mov_text into Matroska). */
  codec: 'copy' | 'mov_text' | 'srt';
}

// Text subtitles ffmpeg converts to mov_text, the one subtitle codec MP4/MOV hold.
const TEXT = ['subrip', 'ass', 'ssa', 'webvtt', 'mov_text', 'text'];
// What ffmpeg 5.1's Matroska muxer takes by stream copy (mov_text has no Matroska ID: it becomes SRT).
const MATROSKA = [
  'subrip',
  'ass',
  'ssa',
  'webvtt',
  'dvd_subtitle',
  'hdmv_pgs_subtitle',
  'dvb_subtitle',
  'text',
];

/**
 * How `container` keeps a subtitle of `codec` (ffprobe's name): copied, converted, or not at all
 * (undefined: a bitmap subtitle in MP4/MOV, or a codec Matroska has no ID for). Pure.
 */
export function subtitleCodec(container: AudioContainer, codec: string): SubtitleTrack['codec'] | undefined {
  if (container !== 'matroska') return TEXT.includes(codec) ? 'mov_text' : undefined;
  if (MATROSKA.includes(codec)) return 'copy';
  return codec === 'mov_text' ? 'srt' : undefined;
}

/** The subtitle tracks `container` keeps, and those it cannot hold (to be named in a warning). Pure. */
export function planSubtitles(
  container: AudioContainer,
  subtitles: readonly SubtitleStreamInfo[],
): { kept: SubtitleTrack[]; dropped: SubtitleStreamInfo[] } {
  const kept: SubtitleTrack[] = [];
  const dropped: SubtitleStreamInfo[] = [];
  subtitles.forEach((s, stream) => {
    const codec = subtitleCodec(container, s.codec);
    if (codec) kept.push({ stream, codec });
    else dropped.push(s);
  });
  return { kept, dropped };
}

/** The tags an audio track keeps in the output. Pure. */
export function audioTags(track: Pick<AudioStreamInfo, 'language' | 'title' | 'isDefault'>): TrackTags {
  return {
    ...(track.language ? { language: track.language } : {}),
    ...(track.title ? { title: track.title } : {}),
    ...(track.isDefault !== undefined ? { default: track.isDefault } : {}),
  };
}

/** An audio track after the first, treated as the first is, from its own pass (`0:a:stream`). */
export interface MoreAudio {
  stream: number;
  mode: 'copy' | 'aac';
  codec: string;
  bitrateKbps: number;
  /** The track's start minus the video's, seconds (as the first's `offsetSec`). */
  offsetSec: number;
  channels?: number;
  /** What the output's verification holds this track to (absent in plans made before). */
  expected?: AudioTrackExpectation;
}
