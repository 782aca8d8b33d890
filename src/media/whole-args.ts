import {
  audioCodec,
  framesThrough,
  outputFile,
  segmentTimescale,
  type AudioEncode,
  type SegmentEncode,
} from './segment-args.js';
import { guardedInput } from './run.js';

/** A one-segment job's whole output in one ffmpeg run: the video encode, its audio and the file. */
export interface WholeEncode extends Pick<
  SegmentEncode,
  'input' | 'rate' | 'encoder' | 'settings' | 'output' | 'renderNode' | 'deinterlace'
> {
  /** Frames of the output: the whole stream, from its first frame. */
  frames: number;
  /** The source's first audio stream, copied or encoded once; absent: no audio. */
  audio?: Pick<AudioEncode, 'mode' | 'bitrateKbps' | 'channels'> | undefined;
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
  const filters = [
    ...(job.deinterlace ? [job.deinterlace] : []),
    'setpts=PTS-STARTPTS',
    `trim=end_frame=${job.frames}`,
  ];
  if (job.encoder.uploadFilter) filters.push(job.encoder.uploadFilter);
  const isoMedia = job.format === 'mp4' || job.format === 'mov';
  return [
    ...job.encoder.globalArgs(job.renderNode),
    ...guardedInput(job.input),
    ...framesThrough(filters, job.audio ? ['-map', '0:a:0', ...audioCodec(job.audio)] : undefined),
    '-c:v',
    job.encoder.name,
    ...job.encoder.args(job.settings),
    ...(isoMedia ? ['-video_track_timescale', String(segmentTimescale(job.rate))] : []),
    ...outputFile(job),
  ];
}
