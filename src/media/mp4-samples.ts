/**
 * Frame count and keyframes of a progressive MP4's video track, read from its sample tables (the
 * moov box only, never the media data): what a freshly encoded or reused chunk is verified by,
 * without starting an ffprobe that scans every packet.
 */
import { open } from 'node:fs/promises';
import { boxes, child } from './iso-boxes.js';

export interface Mp4VideoSamples {
  /** Samples (coded frames) in the track, from stsz/stz2. */
  frames: number;
  /** Presentation-order indices of the sync samples, ascending (every sample when there is no stss). */
  keyframes: number[];
}

/** Reads the first video track's sample tables from a moov box's payload. Throws on broken tables. Pure. */
export function videoSamples(moov: Buffer): Mp4VideoSamples {
  for (const trak of boxes(moov).filter((b) => b.type === 'trak')) {
    const hdlr = child(trak.body, ['mdia', 'hdlr']);
    // full box header (4), pre_defined (4), then the handler type
    if (hdlr?.toString('latin1', 8, 12) !== 'vide') continue;
    const stbl = child(trak.body, ['mdia', 'minf', 'stbl']);
    if (!stbl) throw new Error('video track has no stbl box');
    const frames = sampleCount(stbl);
    const cts = compositionTimes(stbl, frames);
    // Presentation order is composition-time order (ties keep decode order).
    const order = cts.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
    const rank = new Array<number>(frames);
    order.forEach(({ i }, r) => (rank[i] = r));
    const stss = child(stbl, ['stss']);
    const sync = stss ? table(stss, 1).map(([n]) => n! - 1) : [...Array(frames).keys()];
    if (sync.some((n) => n < 0 || n >= frames)) throw new Error(`stss names a sample outside 1-${frames}`);
    return { frames, keyframes: sync.map((n) => rank[n]!).sort((a, b) => a - b) };
  }
  throw new Error('no video track');
}

/** Reads a progressive MP4's moov box from disk (top-level box headers only, then moov) and its video samples. */
export async function readMp4VideoSamples(path: string): Promise<Mp4VideoSamples> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(16);
    for (let at = 0; at + 8 <= size;) {
      const { bytesRead } = await file.read(head, 0, 16, at);
      if (bytesRead < 8) break;
      let box = head.readUInt32BE(0);
      let header = 8;
      if (box === 1 && bytesRead === 16) {
        box = Number(head.readBigUInt64BE(8));
        header = 16;
      } else if (box === 0) {
        box = size - at;
      }
      if (box < header || at + box > size) break;
      if (head.toString('latin1', 4, 8) === 'moov') {
        const moov = Buffer.alloc(box - header);
        await file.read(moov, 0, moov.length, at + header);
        return videoSamples(moov);
      }
      at += box;
    }
    throw new Error('no complete moov box');
  } finally {
    await file.close();
  }
}

function sampleCount(stbl: Buffer): number {
  const stsz = child(stbl, ['stsz']);
  if (stsz && stsz.length >= 12) return stsz.readUInt32BE(8);
  const stz2 = child(stbl, ['stz2']);
  if (stz2 && stz2.length >= 12) return stz2.readUInt32BE(8);
  throw new Error('video track has no sample size table');
}

/** Decode time plus composition offset per sample, in track ticks. */
function compositionTimes(stbl: Buffer, frames: number): number[] {
  const stts = child(stbl, ['stts']);
  if (!stts) throw new Error('video track has no stts box');
  const times: number[] = [];
  let dts = 0;
  for (const [count, delta] of table(stts, 2)) {
    for (let k = 0; k < count! && times.length < frames; k++, dts += delta!) times.push(dts);
  }
  if (times.length !== frames) throw new Error(`stts covers ${times.length} samples, stsz has ${frames}`);
  const ctts = child(stbl, ['ctts']);
  if (!ctts) return times;
  let i = 0;
  for (const [count, offset] of table(ctts, 2, true)) {
    for (let k = 0; k < count! && i < frames; k++, i++) times[i]! += offset!;
  }
  return times;
}

/** A full box's entry table: entry count, then `width` 32-bit fields per entry (the last one signed if asked). */
function table(box: Buffer, width: number, signedLast = false): number[][] {
  const count = box.readUInt32BE(4);
  if (8 + count * width * 4 > box.length)
    throw new Error(`a sample table lists ${count} entries past its end`);
  const rows: number[][] = [];
  for (let e = 0; e < count; e++) {
    const at = 8 + e * width * 4;
    const row: number[] = [];
    for (let f = 0; f < width; f++) {
      const pos = at + f * 4;
      row.push(signedLast && f === width - 1 ? box.readInt32BE(pos) : box.readUInt32BE(pos));
    }
    rows.push(row);
  }
  return rows;
}
