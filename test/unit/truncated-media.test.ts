import { describe, expect, it } from 'vitest';
import { readVint, type MatroskaCut } from '../../src/media/matroska-extent.js';
import { id3v2Bytes, mp3CutWarning, statedLength } from '../../src/media/mp3-header.js';
import type { Packet } from '../../src/media/packet-times.js';
import { refuseCutMatroska } from '../../src/media/truncation.js';

describe('readVint (EBML)', () => {
  it.each([
    ['1-byte size', [0x81], false, { value: 1, length: 1, unknown: false }],
    ['2-byte size', [0x40, 0x02], false, { value: 2, length: 2, unknown: false }],
    [
      'an ID keeps its marker',
      [0x1a, 0x45, 0xdf, 0xa3],
      true,
      { value: 0x1a45dfa3, length: 4, unknown: false },
    ],
    [
      'unknown size (a live Segment)',
      [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      false,
      { value: 2 ** 56 - 1, length: 8, unknown: true },
    ],
    ['1-byte unknown size', [0xff], false, { value: 127, length: 1, unknown: true }],
  ])('%s', (_name, bytes, keep, expected) => {
    expect(readVint(Uint8Array.from(bytes), 0, keep)).toEqual(expected);
  });

  it.each([
    ['a zero byte (padding)', [0x00, 0x81]],
    ['cut off by the end', [0x40]],
  ])('%s: no value', (_name, bytes) => {
    expect(readVint(Uint8Array.from(bytes), 0, false)).toBeUndefined();
  });
});

describe('refuseCutMatroska', () => {
  // 100 frames at 25 fps: the video can be read to 4.00 s.
  const packets: Packet[] = Array.from({ length: 100 }, (_, i) => ({
    pts: i / 25,
    duration: 0.04,
    key: i % 25 === 0,
  }));
  const video = { packets, frameRate: { num: 25, den: 1 } };
  const segmentCut: MatroskaCut = { fileBytes: 1000, segmentEnd: 1100 };
  const refuse = (cut: MatroskaCut | undefined, stated: number | undefined) => () =>
    refuseCutMatroska('in.mkv', cut, stated, video);

  it.each([
    ['whole (no cut)', undefined, 4],
    [
      'only what follows the last Cluster lost (its Cues): the video reaches its stated end',
      segmentCut,
      4.02,
    ],
    ['a stated end a frame past the last one', segmentCut, 4.04],
  ])('%s: taken', (_name, cut, stated) => {
    expect(refuse(cut, stated)).not.toThrow();
  });

  it.each([
    [
      'ends inside a Cluster',
      { fileBytes: 1000, segmentEnd: 5000, clusterEnd: 1500 },
      8,
      'input `in.mkv` is truncated or corrupt: its video can be read to 4.00 s (of the 8.00 s its header gives); the file ends at byte 1000, inside a cluster that runs to byte 1500',
    ],
    [
      'a live recording (no Duration) ends inside a Cluster',
      { fileBytes: 1000, clusterEnd: 1500 },
      undefined,
      'input `in.mkv` is truncated or corrupt: its video can be read to 4.00 s (its header gives no length); the file ends at byte 1000, inside a cluster that runs to byte 1500',
    ],
    [
      'whole Clusters lost (the file ends between two)',
      segmentCut,
      8,
      'input `in.mkv` is truncated or corrupt: its video can be read to 4.00 s (of the 8.00 s its header gives); the file ends at byte 1000, short of the 1100 bytes its Matroska segment states',
    ],
    [
      'a Segment cut short that gives no length',
      segmentCut,
      undefined,
      'input `in.mkv` is truncated or corrupt: its video can be read to 4.00 s (its header gives no length); the file ends at byte 1000, short of the 1100 bytes its Matroska segment states',
    ],
  ])('%s: refused', (_name, cut, stated, message) => {
    expect(refuse(cut, stated)).toThrow(message);
  });
});

/** An MPEG-1 layer III frame header (128 kb/s, 44.1 kHz) and its first bytes; `mono` sets the channel mode. */
function mp3Frame(mono: boolean, tagAt: number, tag: Buffer): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, mono ? 0xc0 : 0x40]);
  frame.set(tag, tagAt);
  return frame;
}

function xing(name: string, flags: number, frames: number, bytes: number): Buffer {
  const tag = Buffer.alloc(16);
  tag.write(name, 0, 'latin1');
  tag.writeUInt32BE(flags, 4);
  tag.writeUInt32BE(frames, 8);
  tag.writeUInt32BE(bytes, 12);
  return tag;
}

describe('statedLength (MP3 Xing/Info/VBRI)', () => {
  it('a stereo Xing header after 32 bytes of side information: frames and bytes', () => {
    expect(statedLength(mp3Frame(false, 36, xing('Xing', 3, 2297, 960_000)))).toEqual({
      tag: 'Xing',
      frames: 2297,
      bytes: 960_000,
      seconds: (2297 * 1152) / 44100,
    });
  });

  it('a mono Info header after 17 bytes, frames only, behind padding', () => {
    const frame = Buffer.concat([Buffer.alloc(5), mp3Frame(true, 21, xing('Info', 1, 100, 0))]);
    expect(statedLength(frame)).toEqual({ tag: 'Info', frames: 100, seconds: (100 * 1152) / 44100 });
  });

  it('a VBRI header 32 bytes after the frame header', () => {
    const vbri = Buffer.alloc(18);
    vbri.write('VBRI', 0, 'latin1');
    vbri.writeUInt32BE(500_000, 10);
    vbri.writeUInt32BE(383, 14);
    expect(statedLength(mp3Frame(false, 36, vbri))).toEqual({
      tag: 'VBRI',
      frames: 383,
      bytes: 500_000,
      seconds: (383 * 1152) / 44100,
    });
  });

  it.each([
    ['an MP3 without a header that states its length', mp3Frame(false, 36, Buffer.alloc(16))],
    ['a Xing header without a frame count', mp3Frame(false, 36, xing('Xing', 2, 0, 1000))],
    ['ADTS AAC (layer bits 00)', Buffer.from([0xff, 0xf1, 0x50, 0x80, ...xing('Xing', 3, 1, 1)])],
    ['not MPEG audio', Buffer.from('ftypisom'.repeat(10), 'latin1')],
  ])('%s: states nothing', (_name, bytes) => {
    expect(statedLength(bytes)).toBeUndefined();
  });

  it('id3v2Bytes: the tag and its footer are skipped; no tag, nothing', () => {
    expect(id3v2Bytes(Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0x01, 0x7f]))).toBe(10 + 255);
    expect(id3v2Bytes(Buffer.from([0x49, 0x44, 0x33, 4, 0, 0x10, 0, 0, 0, 0x23]))).toBe(10 + 35 + 10);
    expect(id3v2Bytes(Buffer.from([0xff, 0xfb, 0x90, 0, 0, 0, 0, 0, 0, 0]))).toBe(0);
  });
});

describe('mp3CutWarning', () => {
  const stated = { tag: 'Xing' as const, frames: 231, seconds: 6.034 };
  it.each([
    ['whole (the decoder drops the encoder delay)', 6.0],
    ['half a second short', 5.6],
  ])('%s: no warning', (_name, read) => {
    expect(mp3CutWarning('a.mp3', stated, read)).toBeUndefined();
  });

  it('cut in half: says what the header states and what the file holds', () => {
    expect(mp3CutWarning('a.mp3', stated, 2.95)).toBe(
      'input `a.mp3` is cut short: its MP3 header (Xing) states 231 frames (6.0 s of audio), the file holds 3.0 s; only those were analysed',
    );
  });

  it('no header that states a length: no warning', () => {
    expect(mp3CutWarning('a.mp3', undefined, 1)).toBeUndefined();
  });
});
