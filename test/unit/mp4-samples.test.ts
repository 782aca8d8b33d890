import { describe, expect, it } from 'vitest';
import { presentedVideoFrames } from '../../src/media/mp4-samples.js';
import { videoTrack } from '../../src/media/mp4-tracks.js';

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeInt32BE(v | 0, 4 * i));
  return b;
}

/** A moov whose video track has `frames` samples of 512 ticks at 15360/s, B-frame offsets and an edit. */
function movie(
  frames: number,
  edit?: { mediaTime: number; durationMs: number },
  extra: Buffer[] = [],
): Buffer {
  const fullTimes = (scale: number) => u32(0, 0, 0, scale, 0);
  const stts = box('stts', u32(0, 1, frames, 512));
  // B-frames: every sample shown two frames after it is decoded (what x264 muxes with an edit).
  const ctts = box('ctts', u32(0, 1, frames, 1024));
  const stsz = box('stsz', u32(0, 100, frames));
  // 30 samples of 100 bytes per chunk, chunks laid end to end from byte 48.
  const chunks = Math.ceil(frames / 30);
  const stsc = box('stsc', u32(0, 1, 1, 30, 1));
  const stco = box('stco', u32(0, chunks, ...Array.from({ length: chunks }, (_, c) => 48 + c * 3000)));
  const stbl = box('stbl', stts, ctts, stsz, stsc, stco);
  const mdia = box(
    'mdia',
    box('mdhd', fullTimes(15360)),
    box('hdlr', u32(0, 0), Buffer.from('vide', 'latin1')),
    box('minf', stbl),
  );
  const edts = edit ? [box('edts', box('elst', u32(0, 1, edit.durationMs, edit.mediaTime, 0x10000)))] : [];
  const soundTrack = box('trak', box('mdia', box('hdlr', u32(0, 0), Buffer.from('soun', 'latin1'))));
  return Buffer.concat([box('mvhd', fullTimes(1000)), soundTrack, box('trak', ...edts, mdia), ...extra]);
}

describe('presentedVideoFrames', () => {
  it.each([
    { name: 'no edit list: every sample', moov: movie(300), frames: 300 },
    {
      name: 'edit hiding the B-frame delay: every sample',
      moov: movie(300, { mediaTime: 1024, durationMs: 10_000 }),
      frames: 300,
    },
    // Starts 3 frames in (what a stream copy from a non-keyframe leaves): ffmpeg discards 3.
    {
      name: 'edit starting 3 frames in',
      moov: movie(300, { mediaTime: 1024 + 3 * 512, durationMs: 9_900 }),
      frames: 297,
    },
    {
      name: 'edit ending 10 frames early',
      moov: movie(300, { mediaTime: 1024, durationMs: 9_666 }),
      frames: 290,
    },
  ])('$name', ({ moov, frames }) => {
    expect(presentedVideoFrames(moov)).toBe(frames);
  });

  it('finds where the sample data ends and which samples are keyframes', () => {
    const track = videoTrack(movie(45, { mediaTime: 1024, durationMs: 1_500 }))!;
    expect(track.dataEnd).toBe(48 + 3000 + 15 * 100);
    expect(track.samples[0]).toEqual({ time: 1024, duration: 512, key: true, bytes: 100 });
    expect(track.timescale).toBe(15360);
  });

  it('leaves fragmented movies and missing tables to ffprobe', () => {
    expect(presentedVideoFrames(movie(10, undefined, [box('mvex')]))).toBeUndefined();
    expect(presentedVideoFrames(movie(10, { mediaTime: 1024, durationMs: 0 }))).toBeUndefined();
    expect(presentedVideoFrames(box('mvhd', u32(0, 0, 0, 1000, 0)))).toBeUndefined();
  });
});
