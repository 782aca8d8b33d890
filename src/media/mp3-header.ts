import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { show } from '../errors.js';

/**
 * The length an MP3 states of itself: the Xing/Info header (LAME, ffmpeg) or the VBRI header
 * (Fraunhofer) in its first frame counts the frames that follow. A file without one states
 * nothing: it cannot be known to be cut.
 */
export interface Mp3Stated {
  /** Which header states it. */
  tag: 'Xing' | 'Info' | 'VBRI';
  frames: number;
  /** The audio's bytes, where the header gives them. */
  bytes?: number;
  seconds: number;
}

/** Bytes read from the start: an ID3v2 tag with cover art is skipped, not read. */
const HEAD_BYTES = 4096;
/** How far past the ID3v2 tag the first frame is looked for (encoders pad a little). */
const SYNC_SEARCH = 2048;

const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

/** What an MP3 file's first frame states of its length; undefined where it is no MP3 or states none. */
export async function mp3Stated(path: string): Promise<Mp3Stated | undefined> {
  // Non-blocking: a FIFO named as input is not waited on (nor read from: it is no regular file).
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await file.stat()).isFile()) return undefined;
    const head = Buffer.alloc(10);
    await file.read(head, 0, 10, 0);
    const skip = id3v2Bytes(head);
    const frame = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(frame, 0, HEAD_BYTES, skip);
    return statedLength(frame.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/** The bytes of an ID3v2 tag at the start (header, syncsafe size, footer), 0 where there is none. Pure. */
export function id3v2Bytes(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0;
  const size =
    ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  return 10 + size + (head[5]! & 0x10 ? 10 : 0);
}

/** The length the first MPEG audio layer III frame in `bytes` states (Xing/Info, VBRI). Pure. */
export function statedLength(bytes: Uint8Array): Mp3Stated | undefined {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let at = 0; at < Math.min(SYNC_SEARCH, data.length - 4); at++) {
    if (data[at] !== 0xff || (data[at + 1]! & 0xe0) !== 0xe0) continue;
    const version = (data[at + 1]! >> 3) & 3;
    const layer = (data[at + 1]! >> 1) & 3;
    const rate = SAMPLE_RATES[version]?.[(data[at + 2]! >> 2) & 3];
    // Layer III only (ADTS AAC has layer bits 00), with a valid rate and bitrate index.
    if (layer !== 1 || rate === undefined || data[at + 2]! >> 4 === 0xf) continue;
    const mpeg1 = version === 3;
    const mono = data[at + 3]! >> 6 === 3;
    const samplesPerFrame = mpeg1 ? 1152 : 576;
    // The Xing header follows the side information, whose size the version and channels set.
    const xing = at + 4 + (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17);
    const tag = data.toString('latin1', xing, xing + 4);
    if ((tag === 'Xing' || tag === 'Info') && xing + 16 <= data.length) {
      const flags = data.readUInt32BE(xing + 4);
      if (!(flags & 1)) return undefined;
      const frames = data.readUInt32BE(xing + 8);
      const bytes = flags & 2 ? { bytes: data.readUInt32BE(xing + 12) } : {};
      return { tag, frames, ...bytes, seconds: (frames * samplesPerFrame) / rate };
    }
    const vbri = at + 4 + 32;
    if (data.toString('latin1', vbri, vbri + 4) === 'VBRI' && vbri + 18 <= data.length) {
      const frames = data.readUInt32BE(vbri + 14);
      return {
        tag: 'VBRI',
        frames,
        bytes: data.readUInt32BE(vbri + 10),
        seconds: (frames * samplesPerFrame) / rate,
      };
    }
    return undefined;
  }
  return undefined;
}

/**
 * The warning for an MP3 that holds less audio than its header states: more than half a second
 * and 1% short (the encoder's delay and padding, which the decoder drops, are some 50 ms). Pure.
 */
export function mp3CutWarning(
  path: string,
  stated: Mp3Stated | undefined,
  readSec: number,
): string | undefined {
  if (!stated || stated.seconds - readSec <= Math.max(0.5, 0.01 * stated.seconds)) return undefined;
  return `input ${show(path)} is cut short: its MP3 header (${stated.tag}) states ${stated.frames} frames (${stated.seconds.toFixed(1)} s of audio), the file holds ${readSec.toFixed(1)} s; only those were analysed`;
}
