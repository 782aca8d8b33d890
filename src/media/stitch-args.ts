import { seconds } from './range-input.js';
import { localInput } from './run.js';
import { concatInput, outputFile } from './segment-args.js';

/** A kept track's language, name and default flag. */
export interface TrackTags {
  language?: string | undefined;
  title?: string | undefined;
  default?: boolean | undefined;
}

/** One more audio file of the stitch, placed as the first (`audioOffsetSec`). */
export interface StitchAudio {
  path: string;
  offsetSec: number;
}

/** Subtitles the stitch takes from the source: its `0:s:stream` tracks, each copied or converted. */
export interface StitchSubtitles {
  source: string;
  /** The source's video start minus its start: where the output's first frame is on its timeline. */
  videoOffsetSec: number;
  tracks: readonly { stream: number; codec: 'copy' | 'mov_text' | 'srt' }[];
}

export interface StitchJob {
  /** ffconcat list naming the segments in order. */
  concatList: string;
  audio: string | undefined;
  /** Audio start relative to video start in the source, seconds. */
  audioOffsetSec: number;
  /** Audio files after the first (its tracks after the first), each with its own offset. */
  moreAudio?: readonly StitchAudio[] | undefined;
  /** Every audio track's language, name and default flag (absent: the files' own, `titles`). */
  audioTags?: readonly TrackTags[] | undefined;
  subtitles?: StitchSubtitles | undefined;
  format: string;
  /** The video codec; HEVC in MP4/MOV is tagged `hvc1`, the tag Apple's players require. */
  codec?: string | undefined;
  /** MP4/MOV: move the index to the front so playback starts before the download ends. */
  faststart?: boolean;
  output: string;
  /**
   * A file whose global tags (title, artist, comment, ...) the output takes: the first segment,
   * encoded from the source with its tags, as one plain ffmpeg command keeps them (the concat
   * demuxer passes on none).
   */
  metadataFrom?: string | undefined;
  /**
   * An FFMETADATA file of the source's chapters (chaptersMetadata), for a stitch without an audio
   * file: with one, the chapters come from it (its pass keeps the source's), and none is given.
   */
  chaptersFrom?: string | undefined;
  /** The source tracks' names, which the MP4 segment and audio files do not carry. */
  titles?: { video?: string | undefined; audio?: string | undefined } | undefined;
  /**
   * The source's start timecode: an MP4/MOV output gets a tmcd track starting there, a Matroska one
   * the tag (segments a processor made carry none to take it from).
   */
  timecode?: string | undefined;
}

/**
 * Input options placing an audio input whose timeline starts `offsetSec` after the output's first
 * frame, the source's first video frame (negative: before it): audio that starts after it is delayed
 * by the gap; audio that starts before it (an AAC priming frame an edit list hid, a camera's early
 * audio) loses what precedes that frame. The stitch's audio files and a ladder's audio. Pure.
 */
export function audioPlacement(offsetSec: number): string[] {
  if (offsetSec > 0) return ['-itsoffset', seconds(offsetSec)];
  if (offsetSec < 0) return ['-ss', seconds(-offsetSec)];
  return [];
}

/** Concatenates segments without re-encoding and muxes the audio and subtitles. Pure. */
export function stitchArgs(job: StitchJob): string[] {
  const args = concatInput(job.concatList);
  const audio = job.audio
    ? [{ path: job.audio, offsetSec: job.audioOffsetSec }, ...(job.moreAudio ?? [])]
    : [];
  for (const file of audio) args.push(...audioPlacement(file.offsetSec), ...localInput(file.path));
  // Inputs: the segments, the audio files, the subtitles' source, the tags and chapters files.
  let inputs = 1 + audio.length;
  const subtitles = job.subtitles?.tracks.length ? inputs++ : undefined;
  if (subtitles !== undefined) {
    // The output starts at the source's first video frame: the subtitles move back by its offset.
    const offset = job.subtitles!.videoOffsetSec;
    if (Math.abs(offset) >= 5e-4) args.push('-itsoffset', (-offset).toFixed(6));
    args.push(...localInput(job.subtitles!.source));
  }
  const metadata = job.metadataFrom ? inputs++ : undefined;
  if (job.metadataFrom) args.push(...localInput(job.metadataFrom));
  const chapters = job.chaptersFrom ? inputs : undefined;
  if (job.chaptersFrom) args.push('-protocol_whitelist', 'file', '-f', 'ffmetadata', '-i', job.chaptersFrom);
  args.push('-map', '0:v:0');
  audio.forEach((_, i) => args.push('-map', `${i + 1}:a:0`));
  for (const track of job.subtitles?.tracks ?? []) args.push('-map', `${subtitles}:s:${track.stream}`);
  if (metadata !== undefined) args.push('-map_metadata', String(metadata));
  if (chapters !== undefined) args.push('-map_chapters', String(chapters));
  args.push(...trackTags({ ...job, audioTracks: audio.length }));
  args.push('-c', 'copy');
  // Text subtitles an MP4/MOV holds only as mov_text, and mov_text a Matroska holds only as SRT.
  job.subtitles?.tracks.forEach((t, i) => {
    if (t.codec !== 'copy') args.push(`-c:s:${i}`, t.codec);
  });
  args.push(...outputFile(job));
  return args;
}

/**
 * The output tracks' tags as one ffmpeg run from the source writes them: the source's track names,
 * languages and default flags, and not the handler name and vendor of the MP4 intermediates, which
 * an MP4/MOV output writes anyway but a Matroska one would keep as tags. Pure.
 */
function trackTags(
  job: Pick<StitchJob, 'format' | 'titles' | 'audioTags'> & { audioTracks: number },
): string[] {
  const args: string[] = [];
  const audio = Array.from({ length: job.audioTracks }, (_, i) => {
    const tags = job.audioTags?.[i];
    return [`a:${i}`, i === 0 && !tags ? job.titles?.audio : tags?.title, tags] as const;
  });
  for (const [stream, title, tags] of [['v:0', job.titles?.video, undefined] as const, ...audio]) {
    if (title) args.push(`-metadata:s:${stream}`, `title=${title}`);
    if (tags?.language) args.push(`-metadata:s:${stream}`, `language=${tags.language}`);
    if (tags?.default !== undefined) args.push(`-disposition:${stream}`, tags.default ? 'default' : '0');
    if (job.format !== 'mp4' && job.format !== 'mov') {
      args.push(`-metadata:s:${stream}`, 'handler_name=', `-metadata:s:${stream}`, 'vendor_id=');
    }
  }
  return args;
}
