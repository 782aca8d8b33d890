/**
 * Just enough ISO BMFF (MP4 / CMAF) reading to verify a packaged ladder without trusting the muxer:
 * the track's time scale and RFC 6381 codec string from an init segment, and each media segment's
 * decode start time, sample count and whether its first sample is a sync (IDR) sample. Pure.
 */

import { boxes, child } from './mp4-boxes.js';

export interface InitInfo {
  timescale: number;
  /** Sample entry four-character code: avc1, hvc1, hev1, av01, mp4a, encv... */
  sampleEntry: string;
  /** RFC 6381 codec string (`avc1.64001f`, `hvc1.1.6.L93.90`, `av01.0.05M.08`, `mp4a.40.2`). */
  codecs: string | undefined;
  width: number | undefined;
  height: number | undefined;
}

/** Reads the first track of an init segment (ftyp + moov). */
export function readInit(buf: Buffer): InitInfo {
  const trak = child(buf, ['moov', 'trak']);
  const mdhd = trak && child(trak, ['mdia', 'mdhd']);
  if (!trak || !mdhd) throw new Error('no moov/trak/mdia/mdhd box: not an init segment');
  const timescale = mdhd[0] === 1 ? mdhd.readUInt32BE(4 + 16) : mdhd.readUInt32BE(4 + 8);
  const stsd = child(trak, ['mdia', 'minf', 'stbl', 'stsd']);
  // full box header (4) + entry count (4), then the first sample entry
  const entry = stsd ? boxes(stsd.subarray(8))[0] : undefined;
  if (!entry) return { timescale, sampleEntry: '', codecs: undefined, width: undefined, height: undefined };
  const audio = entry.type === 'mp4a' || entry.type === 'enca';
  const inner = boxes(entry.body.subarray(audio ? 28 : 78));
  const width = audio ? undefined : entry.body.readUInt16BE(24);
  const height = audio ? undefined : entry.body.readUInt16BE(26);
  const find = (t: string) => inner.find((b) => b.type === t)?.body;
  let codecs: string | undefined;
  const avcC = find('avcC');
  const hvcC = find('hvcC');
  const av1C = find('av1C');
  const esds = find('esds');
  if (avcC) codecs = `${entry.type}.${avcC.subarray(1, 4).toString('hex')}`;
  else if (hvcC) codecs = hevcCodecs(entry.type, hvcC);
  else if (av1C) codecs = av1Codecs(av1C);
  else if (esds) codecs = `mp4a.40.${aacObjectType(esds) ?? 2}`;
  return { timescale, sampleEntry: entry.type, codecs, width, height };
}

function hevcCodecs(entry: string, c: Buffer): string {
  const space = ['', 'A', 'B', 'C'][c[1]! >> 6]!;
  const tier = (c[1]! >> 5) & 1 ? 'H' : 'L';
  const profile = c[1]! & 0x1f;
  // compatibility flags, written in reverse bit order
  let compat = c.readUInt32BE(2);
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = (reversed << 1) | (compat & 1);
    compat >>>= 1;
  }
  const constraints = [...c.subarray(6, 12)];
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = c[12]!;
  const parts = [entry, `${space}${profile}`, (reversed >>> 0).toString(16), `${tier}${level}`];
  for (const b of constraints) parts.push(b.toString(16));
  return parts.join('.');
}

function av1Codecs(c: Buffer): string {
  const profile = c[1]! >> 5;
  const level = c[1]! & 0x1f;
  const tier = c[2]! >> 7 ? 'H' : 'M';
  const high = (c[2]! >> 6) & 1;
  const twelve = (c[2]! >> 5) & 1;
  const depth = high ? (twelve ? 12 : 10) : 8;
  return `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(depth).padStart(2, '0')}`;
}

/** The AAC audio object type from an esds' DecoderSpecificInfo (tag 5), if found. */
function aacObjectType(esds: Buffer): number | undefined {
  for (let i = 4; i < esds.length - 2; i++) {
    if (esds[i] !== 0x05) continue;
    // skip the descriptor's variable-length size
    let j = i + 1;
    while (j < esds.length && esds[j]! & 0x80) j++;
    const first = esds[j + 1];
    if (first !== undefined) return first >> 3;
  }
  return undefined;
}

export interface SegmentInfo {
  /** tfdt baseMediaDecodeTime of the first fragment, in the track's time scale. */
  decodeTime: number;
  /** Samples in all fragments of the segment. */
  samples: number;
  /** Whether the first sample is a sync sample; undefined when the flags are not in the fragment. */
  firstSync: boolean | undefined;
}

/** Reads a media segment (styp? + one or more moof/mdat). */
export function readSegment(buf: Buffer): SegmentInfo {
  let decodeTime: number | undefined;
  let samples = 0;
  let firstSync: boolean | undefined;
  for (const moof of boxes(buf).filter((b) => b.type === 'moof')) {
    const traf = child(moof.body, ['traf']);
    if (!traf) continue;
    const tfhd = child(traf, ['tfhd']);
    const tfdt = child(traf, ['tfdt']);
    if (tfdt && decodeTime === undefined) {
      decodeTime = tfdt[0] === 1 ? Number(tfdt.readBigUInt64BE(4)) : tfdt.readUInt32BE(4);
    }
    for (const trun of boxes(traf).filter((b) => b.type === 'trun')) {
      const flags = trun.body.readUInt32BE(0) & 0xffffff;
      const count = trun.body.readUInt32BE(4);
      if (samples === 0 && count > 0) firstSync = syncOf(trun.body, flags, tfhd);
      samples += count;
    }
  }
  if (decodeTime === undefined) throw new Error('no moof/traf/tfdt box: not a CMAF media segment');
  return { decodeTime, samples, firstSync };
}

function syncOf(trun: Buffer, flags: number, tfhd: Buffer | undefined): boolean | undefined {
  let at = 8;
  if (flags & 0x1) at += 4; // data offset
  if (flags & 0x4) return !(trun.readUInt32BE(at) & 0x10000);
  if (flags & 0x400) {
    at += (flags & 0x100 ? 4 : 0) + (flags & 0x200 ? 4 : 0);
    return !(trun.readUInt32BE(at) & 0x10000);
  }
  if (!tfhd) return undefined;
  const tf = tfhd.readUInt32BE(0) & 0xffffff;
  if (!(tf & 0x20)) return undefined;
  const offset = 8 + (tf & 0x1 ? 8 : 0) + (tf & 0x2 ? 4 : 0) + (tf & 0x8 ? 4 : 0) + (tf & 0x10 ? 4 : 0);
  return !(tfhd.readUInt32BE(offset) & 0x10000);
}
