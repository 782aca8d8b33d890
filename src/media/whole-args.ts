import {
  audioCodec,
  framesThrough,
  outputFile,
  segmentTimescale,
  type AudioEncode,
  type SegmentEncode,
} from './segment-args.js';
import { guardedInput } from './run.js';
import { fitSizeParts } from './frame-sizes.js';

/** A one-segment job's whole output in one ffmpeg run: the video encode, its audio and the file. */
export interface WholeEncode extends Pick<
  SegmentEncode,
  'input' | 'rate' | 'encoder' | 'settings' | 'output' | 'renderNode' | 'deinterlace' | 'fitSize'
> {
  /** Frames of the output: the whole stream, from its first frame. */
  frames: number;
  /** The source's first audio stream, copied or encoded once; absent: no audio. */
  audio?: Pick<AudioEncode, 'mode' | 'bitrateKbps' | 'channels'> | undefined;
  /** The source's audio tracks after the first (`0:a:stream`), each with its own treatment. */
  moreAudio?: readonly (Pick<AudioEncode, 'mode' | 'bitrateKbps' | 'channels'> & { stream: number })[];
  /** The source's subtitle tracks kept (`0:s:stream`), each copied or converted. */
  subtitles?: readonly { stream: number; codec: string }[] | undefined;
  format: string;
  /** The video codec, for the container's HEVC tag. */
  codec?: string | undefined;
  faststart?: boolean | undefined;
  timecode?: string | undefined;
}

/**
 * ffmpeg arguments that write a whole output in one run, as one plain ffmpeg command would: what a
 * segment encode, the audio pass and the stitch write in three, for a job with one segment whose
 * video starts at its container's start (so the audio keeps its place without an offset). The video
 * ends after `frames` frames by a filter, not `-frames:v`, which would close the audio with it. Pure.
 */
export function wholeArgs(job: WholeEncode): string[] {
  const fit = fitSizeParts(job.fitSize);
  const filters = [
    ...fit.filters,
    ...(job.deinterlace ? [job.deinterlace] : []),
    'setpts=PTS-STARTPTS',
    `trim=end_frame=${job.frames}`,
  ];
  if (job.encoder.uploadFilter) filters.push(job.encoder.uploadFilter);
  const isoMedia = job.format === 'mp4' || job.format === 'mov';
  return [
    ...job.encoder.globalArgs(job.renderNode),
    ...fit.input,
    ...guardedInput(job.input),
    ...framesThrough(filters, audioMaps(job), subtitleMaps(job)),
    '-c:v',
    job.encoder.name,
    ...job.encoder.args(job.settings),
    ...(isoMedia ? ['-video_track_timescale', String(segmentTimescale(job.rate))] : []),
    ...outputFile(job),
  ];
}

/**
 * The audio tracks' maps and codecs: the first's for every track where it is the only one, as
 * before; one per track where there are more. Tags and default flags come from the source. Pure.
 */
function audioMaps(job: Pick<WholeEncode, 'audio' | 'moreAudio'>): string[] | undefined {
  if (!job.audio) return undefined;
  if (!job.moreAudio?.length) return ['-map', '0:a:0', ...audioCodec(job.audio)];
  const tracks = [{ ...job.audio, stream: 0 }, ...job.moreAudio];
  return [
    ...tracks.flatMap((t) => ['-map', `0:a:${t.stream}`]),
    ...tracks.flatMap((t, i) => audioCodec(t, i)),
  ];
}

/** The subtitle tracks' maps and codecs (none: `-sn`). Pure. */
function subtitleMaps(job: Pick<WholeEncode, 'subtitles'>): string[] | undefined {
  if (!job.subtitles?.length) return undefined;
  return [
    ...job.subtitles.flatMap((t) => ['-map', `0:s:${t.stream}`]),
    ...job.subtitles.flatMap((t, i) => [`-c:s:${i}`, t.codec]),
  ];
}
