import { open } from 'node:fs/promises';
import { FramefleetError, show } from '../errors.js';
import { boxes, child } from './mp4-boxes.js';
import {
  compositionTimes,
  isVideoTrak,
  MAX_TABLE_SAMPLES,
  sampleSizes,
  syncSamples,
  videoTrack,
  type Mp4Track,
} from './mp4-tracks.js';
import { MIN_FRAME_BYTES } from './truncation.js';

/**
 * Frame counts and keyframes of progressive MP4s framefleet wrote, from their sample tables (the
 * moov box only, never the media data), without starting an ffprobe that scans every packet.
 */

/** Refuse a moov box bigger than this (a sample table of hours of video is a few MB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/**
 * Whether ffprobe's format name is the MP4/MOV family: its sample tables list every packet, its
 * keyframes (a seek lands on the one asked for) and exact durations (edit lists hide the AAC
 * priming). MPEG-TS and other streams have none of these: a seek lands on a byte near the time and
 * durations are estimates. Pure.
 */
export function hasSampleTables(formatName: string): boolean {
  return /(^|,)(mov|mp4)(,|$)/.test(formatName);
}

/**
 * The number of video frames in a plain (not fragmented) MP4 framefleet wrote, from the video
 * track's sample table, without starting ffprobe: reads the top-level box headers and the moov
 * only. Refuses, with the path, a file whose boxes run past its end, that has no moov, whose
 * samples need more bytes than its mdat holds (cut short), or that is fragmented.
 */
export async function mp4VideoFrames(path: string): Promise<number> {
  const { moov, mdatBytes } = await readMoovStrict(path);
  return countFrames(path, moov, mdatBytes);
}

/**
 * A progressive MP4's moov payload and the bytes its mdat boxes hold, reading only the top-level box
 * headers and the moov. Refuses, with the path, boxes that run past the end or a missing moov.
 */
async function readMoovStrict(path: string): Promise<{ moov: Buffer; mdatBytes: number }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(16);
    let moov: Buffer | undefined;
    let mdatBytes = 0;
    for (let at = 0; at + 8 <= size;) {
      await file.read(header, 0, 16, at);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let headerSize = 8;
      if (boxSize === 1) {
        boxSize = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (boxSize === 0) {
        boxSize = size - at;
      }
      if (boxSize < headerSize || at + boxSize > size) {
        throw corrupt(path, `its ${show(type)} box at byte ${at} runs past the end (${size} bytes)`);
      }
      if (type === 'mdat') mdatBytes += boxSize - headerSize;
      if (type === 'moov') {
        if (boxSize > MAX_MOOV_BYTES) throw corrupt(path, `its moov box is ${boxSize} bytes`);
        moov = Buffer.alloc(boxSize - headerSize);
        await file.read(moov, 0, moov.length, at + headerSize);
      }
      at += boxSize;
    }
    if (!moov) throw corrupt(path, 'it has no moov box');
    return { moov, mdatBytes };
  } finally {
    await file.close();
  }
}

/** Video samples in a moov, after checking that every track's samples fit in the mdat. Pure. */
function countFrames(path: string, moov: Buffer, mdatBytes: number): number {
  if (child(moov, ['mvex'])) {
    throw new FramefleetError(
      'UNSUPPORTED_MEDIA',
      `${show(path)} is a fragmented MP4: its samples are not in the moov`,
    );
  }
  let frames: number | undefined;
  let sampleBytes = 0;
  for (const trak of boxes(moov).filter((b) => b.type === 'trak')) {
    const stsz = child(trak.body, ['mdia', 'minf', 'stbl', 'stsz']);
    if (!stsz || stsz.length < 12) throw corrupt(path, 'a track has no sample size table (stsz)');
    const sizes = sampleSizes(stsz);
    if (!sizes) throw corrupt(path, `its stsz lists ${stsz.readUInt32BE(8)} samples but is cut short`);
    sampleBytes += sizes.bytes;
    if (frames === undefined && isVideoTrak(trak.body)) frames = sizes.count;
  }
  if (frames === undefined) throw new FramefleetError('NO_VIDEO_STREAM', `${show(path)} has no video track`);
  if (sampleBytes > mdatBytes) {
    throw corrupt(path, `its samples need ${sampleBytes} bytes, its mdat holds ${mdatBytes}`);
  }
  return frames;
}

function corrupt(path: string, why: string): FramefleetError {
  return new FramefleetError('INPUT_CORRUPT', `${show(path)} is truncated or corrupt: ${why}`);
}

export interface Mp4VideoSamples {
  /** Samples (coded frames) in the track, from stsz/stz2. */
  frames: number;
  /** Presentation-order indices of the sync samples, ascending (every sample when there is no stss). */
  keyframes: number[];
}

/** Reads the first video track's sample tables from a moov box's payload. Throws on broken tables. Pure. */
export function videoSamples(moov: Buffer): Mp4VideoSamples {
  for (const trak of boxes(moov).filter((b) => b.type === 'trak')) {
    if (!isVideoTrak(trak.body)) continue;
    const stbl = child(trak.body, ['mdia', 'minf', 'stbl']);
    if (!stbl) throw new Error('video track has no stbl box');
    const frames = sampleCount(stbl);
    const stts = child(stbl, ['stts']);
    if (!stts) throw new Error('video track has no stts box');
    const timing = compositionTimes(stts, child(stbl, ['ctts']), frames);
    if (!timing) throw new Error(`its stts/ctts tables do not cover the ${frames} samples of stsz`);
    // Presentation order is composition-time order (ties keep decode order).
    const order = timing.times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
    const sync = syncSamples(child(stbl, ['stss']));
    if (sync && [...sync].some((n) => n < 1 || n > frames))
      throw new Error(`stss names a sample outside 1-${frames}`);
    const keyframes = order.flatMap(({ i }, rank) => ((sync?.has(i + 1) ?? true) ? [rank] : []));
    return { frames, keyframes };
  }
  throw new Error('no video track');
}

/** A progressive MP4's video frame count and keyframes (presentation order), from its moov. */
export async function readMp4VideoSamples(path: string): Promise<Mp4VideoSamples> {
  return videoSamples((await readMoovStrict(path)).moov);
}

function sampleCount(stbl: Buffer): number {
  const stsz = child(stbl, ['stsz']);
  if (stsz && stsz.length >= 12) return stsz.readUInt32BE(8);
  const stz2 = child(stbl, ['stz2']);
  if (stz2 && stz2.length >= 12) return stz2.readUInt32BE(8);
  throw new Error('video track has no sample size table');
}

/** The `moov` box body of a non-fragmented MP4/MOV file, or undefined if it cannot be read whole. */
export async function readMoov(path: string): Promise<Buffer | undefined> {
  return readMoovStrict(path).then(
    (r) => (tablesFit(r.moov, r.mdatBytes) ? r.moov : undefined),
    () => undefined,
  );
}

/**
 * Whether every track's sample tables are worth expanding in memory: its samples fit in the mdat,
 * number at most MAX_TABLE_SAMPLES (a video's of MIN_FRAME_BYTES or more on average), and its
 * stts times no more samples than its stsz sizes. A table claiming ten million 1-byte samples in
 * an 811-byte file took seconds of the event loop and a GB to expand; such a file is left to
 * ffprobe, which finds it cut short. Pure.
 */
export function tablesFit(moov: Buffer, mdatBytes: number): boolean {
  let bytes = 0;
  for (const trak of boxes(moov).filter((b) => b.type === 'trak')) {
    const stbl = child(trak.body, ['mdia', 'minf', 'stbl']);
    // stz2 (compact sizes) is left to ffprobe: its tables are not expanded in-process.
    if (stbl && !child(stbl, ['stsz']) && child(stbl, ['stz2'])) return false;
    const stsz = stbl && child(stbl, ['stsz']);
    const stts = stbl && child(stbl, ['stts']);
    if (!stsz || stsz.length < 12 || !stts || stts.length < 8) continue;
    const sizes = sampleSizes(stsz);
    if (!sizes || sizes.count > MAX_TABLE_SAMPLES) return false;
    const { count } = sizes;
    if (isVideoTrak(trak.body) && sizes.bytes < count * MIN_FRAME_BYTES) return false;
    bytes += sizes.bytes;
    const runs = Math.min(stts.readUInt32BE(4), Math.floor((stts.length - 8) / 8));
    let timed = 0;
    for (let i = 0; i < runs; i++) timed += stts.readUInt32BE(8 + i * 8);
    if (timed > count) return false;
  }
  return bytes <= mdatBytes;
}

/** The most edit-list entries any track of an MP4/MOV claims (0 for a file without a readable moov). */
export async function mp4EditCount(path: string): Promise<number> {
  const moov = await readMoovStrict(path).then(
    (r) => r.moov,
    () => undefined,
  );
  const counts = (moov ? boxes(moov).filter((b) => b.type === 'trak') : []).map((trak) => {
    const elst = child(trak.body, ['edts', 'elst']);
    return elst && elst.length >= 8 ? elst.readUInt32BE(4) : 0;
  });
  return Math.max(0, ...counts);
}

/** Presented frames of the first video track of a `moov` body (see videoTrack). Pure. */
export function presentedVideoFrames(moov: Buffer): number | undefined {
  return videoTrack(moov)?.samples.length;
}

/**
 * Presented video frames of an MP4/MOV file (edit list applied, as ffmpeg shows them), or undefined
 * when its tables cannot answer: the caller then asks ffprobe.
 */
export async function mp4PresentedFrames(path: string): Promise<number | undefined> {
  const moov = await readMoov(path).catch(() => undefined);
  return moov && presentedVideoFrames(moov);
}

/**
 * The packets of stream `index` of an MP4/MOV file, from its sample table, as ffprobe's packet
 * scan lists them (seconds); undefined when the tables cannot answer or a sample lies past the end
 * of the file (the scan then finds how much of a truncated file can be read).
 */
export async function mp4Packets(
  path: string,
  index: number,
  fileSize: number,
): Promise<{ pts: number; duration: number; key: boolean }[] | undefined> {
  return (await mp4PacketTable(path, index, fileSize))?.packets;
}

/** mp4Packets, and whether the track was cut mid-GOP (Mp4Track.cutMidGop). */
export async function mp4PacketTable(
  path: string,
  index: number,
  fileSize: number,
): Promise<{ packets: { pts: number; duration: number; key: boolean }[]; cutMidGop: boolean } | undefined> {
  const moov = await readMoov(path).catch(() => undefined);
  const track = moov && videoTrack(moov, index);
  if (!track || track.dataEnd > fileSize) return undefined;
  return { packets: trackPackets(track), cutMidGop: track.cutMidGop };
}

/** A track's samples as ffprobe's packet scan lists them (seconds), in decode order. Pure. */
export function trackPackets(track: Mp4Track): { pts: number; duration: number; key: boolean }[] {
  const scale = track.timescale;
  return track.samples.map((s) => ({ pts: s.time / scale, duration: s.duration / scale, key: s.key }));
}
