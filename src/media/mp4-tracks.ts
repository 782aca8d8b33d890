import { boxes, child } from './mp4-boxes.js';

/**
 * The sample tables of a progressive MP4/MOV's tracks, parsed from a `moov` body: composition times,
 * sync samples, the edit list as ffmpeg's mov demuxer applies it, where the sample data ends. Pure.
 */

export interface Mp4Sample {
  /** Composition (presentation) time in the track's time scale. */
  time: number;
  duration: number;
  /** A sync sample (stss; every sample when the table is absent). */
  key: boolean;
  /** Bytes of coded data (stsz): most of what decoding the sample costs. */
  bytes: number;
}

export interface Mp4Track {
  timescale: number;
  /** Presented samples in decode order: those outside the edit list are left out, as ffmpeg does. */
  samples: Mp4Sample[];
  /** Byte offset just past the last sample's data: beyond the file's size, the file is truncated. */
  dataEnd: number;
  /**
   * Its first stored sample is no sync sample (a copy cut mid-GOP, `-ss -c copy -copyinkf`): the
   * samples before the first one are stored but no decoder gives them. Not a trimmed copy, whose
   * edit list hides a GOP's start that is stored (samples left out above, a sync sample first).
   */
  cutMidGop: boolean;
}

/** A `trak` body's handler type: `vide`, `soun`, `text`, `tmcd`... Pure. */
export function handlerOf(trak: Buffer): string | undefined {
  // hdlr: version and flags (4), pre_defined (4), then the handler type.
  return child(trak, ['mdia', 'hdlr'])?.toString('latin1', 8, 12);
}

/** Whether a `trak` body is a video track (its handler is `vide`). Pure. */
export function isVideoTrak(trak: Buffer): boolean {
  return handlerOf(trak) === 'vide';
}

/** A track's only sample entry: its format (`avc1`, `mp4a`...) and body, after its 8-byte header. Pure. */
export function sampleEntry(trak: Buffer): { format: string; body: Buffer } | undefined {
  const stsd = child(trak, ['mdia', 'minf', 'stbl', 'stsd']);
  // Full box header (4), entry count (4), then the entries.
  if (!stsd || stsd.length < 16 || stsd.readUInt32BE(4) !== 1) return undefined;
  const [entry] = boxes(stsd.subarray(8));
  return entry && { format: entry.type, body: entry.body };
}

/** More samples than a day of 120 fps video: not a table to expand in memory. */
export const MAX_TABLE_SAMPLES = 10_368_000;

/**
 * The video track of a `moov` body (the `index`-th track, as ffprobe numbers streams, else the
 * first video track); undefined when the movie is fragmented or the tables are missing. Pure.
 */
export function videoTrack(moov: Buffer, index?: number): Mp4Track | undefined {
  if (child(moov, ['mvex'])) return undefined;
  const mvhd = child(moov, ['mvhd']);
  const traks = boxes(moov)
    .filter((b) => b.type === 'trak')
    .map((b) => b.body);
  const isVideo = (t: Buffer | undefined) => t !== undefined && isVideoTrak(t);
  const trak = index === undefined ? traks.find(isVideo) : isVideo(traks[index]) ? traks[index] : undefined;
  const mdhd = trak && child(trak, ['mdia', 'mdhd']);
  const stbl = trak && child(trak, ['mdia', 'minf', 'stbl']);
  if (!mvhd || !trak || !mdhd || !stbl) return undefined;
  const sizes = child(stbl, ['stsz']);
  const stts = child(stbl, ['stts']);
  if (!sizes || !stts || sizes.length < 12) return undefined;
  const count = sizes.readUInt32BE(8);
  // A hostile table may claim billions of samples in a few bytes: leave such files to ffprobe.
  if (count > MAX_TABLE_SAMPLES) return undefined;
  const movieScale = timescaleOf(mvhd);
  const timescale = timescaleOf(mdhd);
  const timing = compositionTimes(stts, child(stbl, ['ctts']), count);
  const dataEnd = dataEndOf(stbl, sizes, count);
  if (timing === undefined || dataEnd === undefined) return undefined;
  const sync = syncSamples(child(stbl, ['stss']));
  const edits = editsOf(child(trak, ['edts', 'elst']));
  // Several edits (a sample shown twice) or an open-ended one: ffmpeg's rules, not ours, so ask ffprobe.
  if (edits.length > 1 || edits.some((e) => e.duration === 0)) return undefined;
  // A sample is presented when its composition time falls inside an edit, as ffmpeg's mov demuxer
  // decides: the edit's length in the track's time scale rounded to the nearest unit (a sample
  // starting 0.4 units before the exact end is past the rounded one, and ffmpeg discards it).
  const shown = (t: number) =>
    edits.length === 0 ||
    edits.some(
      (e) => t >= e.mediaTime && t < e.mediaTime + Math.round((e.duration * timescale) / movieScale),
    );
  const samples: Mp4Sample[] = [];
  timing.times.forEach((time, i) => {
    if (shown(time))
      samples.push({
        time,
        duration: timing.durations[i]!,
        key: sync?.has(i + 1) ?? true,
        bytes: sizes.readUInt32BE(4) || sizes.readUInt32BE(12 + 4 * i),
      });
  });
  return { timescale, samples, dataEnd, cutMidGop: count > 0 && sync !== undefined && !sync.has(1) };
}

/** An stsz body's sample count and the bytes its samples take; undefined when the table is cut short. Pure. */
export function sampleSizes(stsz: Buffer): { count: number; bytes: number } | undefined {
  if (stsz.length < 12) return undefined;
  const fixed = stsz.readUInt32BE(4);
  const count = stsz.readUInt32BE(8);
  if (fixed === 0 && stsz.length < 12 + 4 * count) return undefined;
  let bytes = fixed * count;
  for (let i = 0; fixed === 0 && i < count; i++) bytes += stsz.readUInt32BE(12 + 4 * i);
  return { count, bytes };
}

/** Sample numbers (1-based) of the sync samples; undefined when every sample is one. */
export function syncSamples(stss: Buffer | undefined): Set<number> | undefined {
  if (!stss || stss.length < 8) return undefined;
  const n = Math.min(stss.readUInt32BE(4), Math.floor((stss.length - 8) / 4));
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(stss.readUInt32BE(8 + i * 4));
  return out;
}

/** Where the last byte of sample data ends (chunk offsets, samples per chunk, sample sizes). */
function dataEndOf(stbl: Buffer, stsz: Buffer, count: number): number | undefined {
  const stsc = child(stbl, ['stsc']);
  const stco = child(stbl, ['stco']);
  const co64 = child(stbl, ['co64']);
  if (count === 0) return 0;
  if (!stsc || (!stco && !co64)) return undefined;
  const fixed = stsz.readUInt32BE(4);
  const sizeOf = (i: number) => (fixed !== 0 ? fixed : stsz.readUInt32BE(12 + i * 4));
  if (fixed === 0 && stsz.length < 12 + count * 4) return undefined;
  const chunks = (stco ?? co64)!.readUInt32BE(4);
  const offsetOf = (c: number) =>
    stco ? stco.readUInt32BE(8 + c * 4) : Number(co64!.readBigUInt64BE(8 + c * 8));
  const runs = stsc.readUInt32BE(4);
  let end = 0;
  let sample = 0;
  if (stsc.length < 8 + runs * 12) return undefined;
  for (let r = 0; r < runs; r++) {
    const first = stsc.readUInt32BE(8 + r * 12) - 1;
    const perChunk = stsc.readUInt32BE(8 + r * 12 + 4);
    const last = Math.min(chunks, r + 1 < runs ? stsc.readUInt32BE(8 + (r + 1) * 12) - 1 : chunks);
    // Runs start at strictly later chunks (ISO 14496-12): runs that go back to chunk 1 again and
    // again made one walk of every chunk per run, seconds of the event loop from a small file.
    if (first < 0 || last <= first) return undefined;
    for (let c = first; c < last && sample < count; c++) {
      let at = offsetOf(c);
      for (let k = 0; k < perChunk && sample < count; k++) at += sizeOf(sample++);
      end = Math.max(end, at);
    }
  }
  return sample === count ? end : undefined;
}

/** The time scale of an mvhd or mdhd body. Pure. */
export function timescaleOf(fullBox: Buffer): number {
  // mvhd and mdhd: version 1 has 64-bit creation and modification times before the time scale.
  return fullBox[0] === 1 ? fullBox.readUInt32BE(20) : fullBox.readUInt32BE(12);
}

/** The duration of an mvhd or mdhd body, in its time scale (right after it; 64-bit in version 1). Pure. */
export function durationOf(fullBox: Buffer): number {
  return fullBox[0] === 1 ? Number(fullBox.readBigUInt64BE(24)) : fullBox.readUInt32BE(16);
}

/** Non-empty edits (media time in the track's time scale, duration in the movie's). */
function editsOf(elst: Buffer | undefined): { mediaTime: number; duration: number }[] {
  // Media time -1 is an empty edit: a delay before the next one, no samples of its own.
  return editEntries(elst).entries.filter((e) => e.mediaTime !== -1);
}

/** One edit of an `elst`: its length (movie time scale), its start in the media, and its rate (16.16). */
export interface EditEntry {
  duration: number;
  mediaTime: number;
  rate: number;
}

/**
 * Every entry of an edit list that its box holds, and how many its header claims (more than it
 * holds: a cut or hostile table). Each caller applies its own rule: the samples shown skip empty
 * edits, the stream timing refuses anything unusual. Pure.
 */
export function editEntries(elst: Buffer | undefined): { entries: EditEntry[]; claimed: number } {
  if (!elst || elst.length < 8) return { entries: [], claimed: 0 };
  const v1 = elst[0] === 1;
  const size = v1 ? 20 : 12;
  const claimed = elst.readUInt32BE(4);
  const entries: EditEntry[] = [];
  for (let i = 0; i < Math.min(claimed, Math.floor((elst.length - 8) / size)); i++) {
    const at = 8 + i * size;
    entries.push({
      duration: v1 ? Number(elst.readBigUInt64BE(at)) : elst.readUInt32BE(at),
      mediaTime: v1 ? Number(elst.readBigInt64BE(at + 8)) : elst.readInt32BE(at + 4),
      rate: elst.readUInt32BE(at + (v1 ? 16 : 8)),
    });
  }
  return { entries, claimed };
}

/** Each sample's composition time (decode time plus its ctts offset) and duration, or undefined if the tables disagree. */
export function compositionTimes(
  stts: Buffer,
  ctts: Buffer | undefined,
  count: number,
): { times: number[]; durations: number[] } | undefined {
  const times: number[] = [];
  const durations: number[] = [];
  let dts = 0;
  const runs = stts.readUInt32BE(4);
  for (let i = 0; i < runs && times.length < count; i++) {
    const at = 8 + i * 8;
    if (at + 8 > stts.length) return undefined;
    const n = stts.readUInt32BE(at);
    const delta = stts.readUInt32BE(at + 4);
    for (let k = 0; k < n && times.length < count; k++, dts += delta) {
      times.push(dts);
      durations.push(delta);
    }
  }
  if (times.length !== count) return undefined;
  if (!ctts) return { times, durations };
  let sample = 0;
  const offsets = ctts.readUInt32BE(4);
  for (let i = 0; i < offsets && sample < count; i++) {
    const at = 8 + i * 8;
    if (at + 8 > ctts.length) return undefined;
    const n = ctts.readUInt32BE(at);
    // Version 0 offsets are unsigned in the standard; ffmpeg reads both versions as signed.
    const offset = ctts.readInt32BE(at + 4);
    for (let k = 0; k < n && sample < count; k++) times[sample++]! += offset;
  }
  return { times, durations };
}
