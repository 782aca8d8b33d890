// A video cut short (a failed download, a copy that stopped) is refused: what its header states
// against what can be read. Pure.
import { FramefleetError, show } from '../errors.js';
import type { MatroskaCut } from './matroska-extent.js';
import { spansHeader, type Packet } from './packet-times.js';
import { rationalValue, type Rational } from './rational.js';

/** The video's frames as read, in decode or presentation order. */
export interface ReadVideo {
  packets: readonly Packet[];
  frameRate: Rational;
}

/**
 * Refuses a video whose header lists more frames than can be read, unless they lie inside the
 * stream (an AVI's empty chunks: spansHeader). `headerFrames` 0: the header lists none.
 */
export function refuseMissingFrames(path: string, headerFrames: number, video: ReadVideo): void {
  const read = video.packets.length;
  if (
    headerFrames > 0 &&
    read < headerFrames * 0.98 &&
    !spansHeader(video.packets, video.frameRate, headerFrames)
  ) {
    throw corrupt(path, `its header lists ${headerFrames} video frames but only ${read} can be read`);
  }
}

/**
 * Refuses a Matroska file cut short: one that ends inside a Cluster (the rest of its frames lost),
 * or inside its Segment with the video ending short of the length its header gives (whole Clusters
 * lost). `statedEndSec`: the video's end time as its header gives it (its track's DURATION tag,
 * else the Segment's Duration); undefined where it gives none (a live recording). A Segment cut only
 * after its last Cluster (its index, Cues) keeps every frame and is taken.
 */
export function refuseCutMatroska(
  path: string,
  cut: MatroskaCut | undefined,
  statedEndSec: number | undefined,
  video: ReadVideo,
): void {
  if (!cut) return;
  const period = 1 / rationalValue(video.frameRate);
  let readEnd = 0;
  for (const p of video.packets) readEnd = Math.max(readEnd, p.pts + (p.duration || period));
  const short = statedEndSec !== undefined && statedEndSec - readEnd > Math.max(2 * period, 0.1);
  if (cut.clusterEnd === undefined && statedEndSec !== undefined && !short) return;
  const length =
    statedEndSec === undefined
      ? 'its header gives no length'
      : `of the ${s(statedEndSec)} s its header gives`;
  const where =
    cut.clusterEnd !== undefined
      ? `inside a cluster that runs to byte ${cut.clusterEnd}`
      : `short of the ${cut.segmentEnd} bytes its Matroska segment states`;
  throw corrupt(
    path,
    `its video can be read to ${s(readEnd)} s (${length}); the file ends at byte ${cut.fileBytes}, ${where}`,
  );
}

function s(seconds: number): string {
  return seconds.toFixed(2);
}

function corrupt(path: string, why: string): FramefleetError {
  return new FramefleetError('INPUT_CORRUPT', `input ${show(path)} is truncated or corrupt: ${why}`);
}

/** Fewer bytes a video sample than any codec's smallest frame, on average over a whole track. */
export const MIN_FRAME_BYTES = 4;

/**
 * An MP4/MOV whose sample table claims more video frames than its bytes can hold: ten million
 * 1-byte samples in a 10 MB upload cost the packet scan 90 s and 5 GB of the server's memory.
 */
export function refuseDenseTable(path: string, claimed: number, fileSize: number): void {
  if (claimed <= fileSize / MIN_FRAME_BYTES) return;
  throw new FramefleetError(
    'INPUT_CORRUPT',
    `input ${show(path)} is corrupt: its header lists ${claimed} video frames in ${fileSize} bytes`,
  );
}

/** More edits than any camera or editor writes (a copy with `-c copy` makes one or two). */
export const MAX_EDITS = 64;

/**
 * An MP4/MOV whose edit list repeats its media thousands of times: 500,000 edits in a 6 MB upload
 * made ffmpeg's demuxer index 45 million frames (a plan of 6.5 million, 5 GB of the server's
 * memory, every segment stalled). Refused before any ffprobe reads it.
 */
export function refuseManyEdits(path: string, edits: number): void {
  if (edits <= MAX_EDITS) return;
  throw new FramefleetError(
    'UNSUPPORTED_MEDIA',
    `input ${show(path)} has an edit list of ${edits} entries; framefleet takes up to ${MAX_EDITS} (ffmpeg -i IN -c copy OUT.mp4 writes one)`,
  );
}
