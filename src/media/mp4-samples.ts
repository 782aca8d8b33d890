import { open } from 'node:fs/promises';
import { boxes, child } from './mp4-boxes.js';

/**
 * Frame counts of our own MP4/MOV outputs from their sample tables, in-process: a segment or a
 * stitched output is checked without starting ffprobe to list every packet. Counts what ffmpeg
 * presents: samples outside the edit list (the `D` packets a packet scan leaves out) do not count.
 */

/** The `moov` box body of a non-fragmented MP4/MOV file, or undefined if it has none at the top level. */
export async function readMoov(path: string): Promise<Buffer | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(16);
    let at = 0;
    while (at + 8 <= size) {
      const { bytesRead } = await file.read(header, 0, 16, at);
      if (bytesRead < 8) return undefined;
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let headerSize = 8;
      if (boxSize === 1) {
        if (bytesRead < 16) return undefined;
        boxSize = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (boxSize === 0) {
        boxSize = size - at;
      }
      if (boxSize < headerSize || at + boxSize > size) return undefined;
      if (type === 'moov') {
        const body = Buffer.alloc(boxSize - headerSize);
        const read = await file.read(body, 0, body.length, at + headerSize);
        return read.bytesRead === body.length ? body : undefined;
      }
      at += boxSize;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

/**
 * Presented frames of the first video track of a `moov` body; undefined when the movie is
 * fragmented or the tables are missing (the caller then asks ffprobe). Pure.
 */
export function presentedVideoFrames(moov: Buffer): number | undefined {
  if (child(moov, ['mvex'])) return undefined;
  const mvhd = child(moov, ['mvhd']);
  const trak = boxes(moov)
    .filter((b) => b.type === 'trak')
    .map((b) => b.body)
    .find((t) => child(t, ['mdia', 'hdlr'])?.toString('latin1', 8, 12) === 'vide');
  const mdhd = trak && child(trak, ['mdia', 'mdhd']);
  const stbl = trak && child(trak, ['mdia', 'minf', 'stbl']);
  if (!mvhd || !trak || !mdhd || !stbl) return undefined;
  const sizes = child(stbl, ['stsz']) ?? child(stbl, ['stz2']);
  const stts = child(stbl, ['stts']);
  if (!sizes || !stts || sizes.length < 12) return undefined;
  const count = sizes.readUInt32BE(8);
  const edits = editsOf(child(trak, ['edts', 'elst']));
  if (edits.length === 0) return count;
  const movieScale = timescaleOf(mvhd);
  const mediaScale = timescaleOf(mdhd);
  const times = compositionTimes(stts, child(stbl, ['ctts']), count);
  if (times === undefined) return undefined;
  // A sample is presented when its composition time falls inside an edit, as ffmpeg's mov demuxer decides.
  let presented = 0;
  for (const t of times) {
    if (
      edits.some(
        (e) => t >= e.mediaTime && t * movieScale < e.mediaTime * movieScale + e.duration * mediaScale,
      )
    )
      presented++;
  }
  return presented;
}

/** Presented video frames of an MP4/MOV file, or undefined when its tables cannot answer. */
export async function mp4VideoFrames(path: string): Promise<number | undefined> {
  const moov = await readMoov(path).catch(() => undefined);
  return moov && presentedVideoFrames(moov);
}

function timescaleOf(fullBox: Buffer): number {
  // mvhd and mdhd: version 1 has 64-bit creation and modification times before the time scale.
  return fullBox[0] === 1 ? fullBox.readUInt32BE(20) : fullBox.readUInt32BE(12);
}

/** Non-empty edits (media time in the track's time scale, duration in the movie's). */
function editsOf(elst: Buffer | undefined): { mediaTime: number; duration: number }[] {
  if (!elst || elst.length < 8) return [];
  const v1 = elst[0] === 1;
  const entry = v1 ? 20 : 12;
  const n = Math.min(elst.readUInt32BE(4), Math.floor((elst.length - 8) / entry));
  const out: { mediaTime: number; duration: number }[] = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + i * entry;
    const duration = v1 ? Number(elst.readBigUInt64BE(at)) : elst.readUInt32BE(at);
    const mediaTime = v1 ? Number(elst.readBigInt64BE(at + 8)) : elst.readInt32BE(at + 4);
    // media time -1 is an empty edit: a delay before the next one, no samples of its own.
    if (mediaTime !== -1) out.push({ mediaTime, duration });
  }
  return out;
}

/** Each sample's composition time (decode time plus its ctts offset), or undefined if the tables disagree. */
function compositionTimes(stts: Buffer, ctts: Buffer | undefined, count: number): number[] | undefined {
  const times: number[] = [];
  let dts = 0;
  const runs = stts.readUInt32BE(4);
  for (let i = 0; i < runs && times.length < count; i++) {
    const at = 8 + i * 8;
    if (at + 8 > stts.length) return undefined;
    const n = stts.readUInt32BE(at);
    const delta = stts.readUInt32BE(at + 4);
    for (let k = 0; k < n && times.length < count; k++, dts += delta) times.push(dts);
  }
  if (times.length !== count) return undefined;
  if (!ctts) return times;
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
  return times;
}
