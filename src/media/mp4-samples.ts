import { open } from 'node:fs/promises';
import { FramefleetError, show } from '../errors.js';
import { boxes, child } from './mp4-boxes.js';

/** Refuse a moov box bigger than this (a sample table of hours of video is a few MB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/**
 * The number of video frames in a plain (not fragmented) MP4 framefleet wrote, from the video
 * track's sample table, without starting ffprobe: reads the top-level box headers and the moov
 * only. Refuses, with the path, a file whose boxes run past its end, that has no moov, whose
 * samples need more bytes than its mdat holds (cut short), or that is fragmented.
 */
export async function mp4VideoFrames(path: string): Promise<number> {
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
    return countFrames(path, moov, mdatBytes);
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
    const fixed = stsz.readUInt32BE(4);
    const count = stsz.readUInt32BE(8);
    if (fixed > 0) sampleBytes += fixed * count;
    else {
      if (stsz.length < 12 + 4 * count)
        throw corrupt(path, `its stsz lists ${count} samples but is cut short`);
      for (let i = 0; i < count; i++) sampleBytes += stsz.readUInt32BE(12 + 4 * i);
    }
    // hdlr: version and flags (4), pre_defined (4), then the handler type.
    const hdlr = child(trak.body, ['mdia', 'hdlr']);
    if (frames === undefined && hdlr?.toString('latin1', 8, 12) === 'vide') frames = count;
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
