import { boxes, child } from './mp4-boxes.js';
import {
  compositionTimes,
  editEntries,
  handlerOf,
  isVideoTrak,
  MAX_TABLE_SAMPLES,
  timescaleOf,
} from './mp4-tracks.js';

/**
 * Where each stream of a progressive MP4/MOV starts and how long it lasts, as ffprobe reports them,
 * from the moov alone: what verifying a file framefleet wrote needs, without starting ffprobe
 * (about 0.15 s, a tenth of a short job). Only the edit lists ffmpeg's muxer writes are read (an
 * optional delay, then one edit at normal rate); anything else is left to ffprobe. Pure.
 */

export interface StreamTiming {
  /** Presentation start, seconds. */
  startSec: number;
  durationSec: number;
}

export interface Mp4Timing {
  video: StreamTiming;
  /** The first audio track, if any. */
  audio: StreamTiming | undefined;
  /** Every audio track, in the file's order (the first is `audio`). */
  audioTracks: StreamTiming[];
}

/** Video and audio tracks' timing of a `moov` body; undefined where ffprobe must answer. */
export function mp4Timing(moov: Buffer): Mp4Timing | undefined {
  const mvhd = child(moov, ['mvhd']);
  if (!mvhd || child(moov, ['mvex'])) return undefined;
  const movieScale = timescaleOf(mvhd);
  const traks = boxes(moov)
    .filter((b) => b.type === 'trak')
    .map((b) => b.body);
  const video = traks.find(isVideoTrak);
  const videoTiming = video && trackTiming(video, movieScale);
  const audioTracks: StreamTiming[] = [];
  for (const trak of traks.filter((t) => handlerOf(t) === 'soun')) {
    const timing = trackTiming(trak, movieScale);
    if (!timing) return undefined;
    audioTracks.push(timing);
  }
  if (!videoTiming) return undefined;
  return { video: videoTiming, audio: audioTracks[0], audioTracks };
}

/**
 * The timing of the one audio track of a `moov` with no video (an M4A, a transcode's audio file);
 * undefined where ffprobe must answer (fragments, other edits, other tracks). Pure.
 */
export function mp4AudioOnlyTiming(moov: Buffer): StreamTiming | undefined {
  const mvhd = child(moov, ['mvhd']);
  if (!mvhd || child(moov, ['mvex'])) return undefined;
  const traks = boxes(moov)
    .filter((b) => b.type === 'trak')
    .map((b) => b.body);
  if (traks.length !== 1 || handlerOf(traks[0]!) !== 'soun') return undefined;
  return trackTiming(traks[0]!, timescaleOf(mvhd));
}

function trackTiming(trak: Buffer, movieScale: number): StreamTiming | undefined {
  const mdhd = child(trak, ['mdia', 'mdhd']);
  const stbl = child(trak, ['mdia', 'minf', 'stbl']);
  const stts = stbl && child(stbl, ['stts']);
  if (!mdhd || !stts || stts.length < 8 || movieScale <= 0) return undefined;
  const scale = timescaleOf(mdhd);
  const span = compositionSpan(stts, child(stbl!, ['ctts']));
  if (!span || scale <= 0) return undefined;
  const edits = editList(child(trak, ['edts', 'elst']));
  if (!edits) return undefined;
  if (edits.length === 0)
    return { startSec: span.first / scale, durationSec: (span.end - span.first) / scale };
  const delay = edits.length === 2 ? edits[0]! : undefined;
  const edit = edits.at(-1)!;
  if (edit.mediaTime < 0 || (delay && delay.mediaTime !== -1) || edit.duration === 0) return undefined;
  const shownEnd = Math.min(span.end, edit.mediaTime + (edit.duration * scale) / movieScale);
  return {
    startSec: (delay?.duration ?? 0) / movieScale,
    durationSec: Math.max(0, shownEnd - Math.max(edit.mediaTime, span.first)) / scale,
  };
}

/** The earliest composition time and the latest sample end, in the track's time scale. */
function compositionSpan(stts: Buffer, ctts: Buffer | undefined): { first: number; end: number } | undefined {
  const runs = stts.readUInt32BE(4);
  if (stts.length < 8 + runs * 8) return undefined;
  let count = 0;
  for (let i = 0; i < runs; i++) count += stts.readUInt32BE(8 + i * 8);
  if (count === 0 || count > MAX_TABLE_SAMPLES) return undefined;
  const timing = compositionTimes(stts, ctts, count);
  if (!timing) return undefined;
  let first = Infinity;
  let end = -Infinity;
  timing.times.forEach((t, i) => {
    first = Math.min(first, t);
    end = Math.max(end, t + timing.durations[i]!);
  });
  return { first, end };
}

/** Every edit, an empty one (a delay) as media time -1; undefined for more than a delay and one edit or another rate. */
function editList(elst: Buffer | undefined): { mediaTime: number; duration: number }[] | undefined {
  if (!elst) return [];
  const { entries, claimed } = editEntries(elst);
  // A short box, more than a delay and an edit, or a rate other than 1: ffprobe's rules, not ours.
  if (elst.length < 8 || claimed > 2 || entries.length < claimed) return undefined;
  return entries.every((e) => e.rate === 0x10000) ? entries : undefined;
}
