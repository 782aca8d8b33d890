import { open } from 'node:fs/promises';
import { boxes, child } from './bmff.js';

/**
 * The number of samples (frames) of the first video track of an MP4 written whole (a `moov` with a
 * sample table), read in-process: only the box headers and the `moov` are read, no ffprobe starts.
 * Undefined when the file is not such an MP4 (fragmented, truncated, no video track). These are
 * samples: an edit list that hides some (a stream copy cut between keyframes) is not applied, so it
 * counts the frames of a file its caller encoded from the first frame, not of any input.
 */
export async function mp4VideoFrames(path: string): Promise<number | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(16);
    let at = 0;
    while (at + 8 <= size) {
      await file.read(head, 0, 16, at);
      let length = head.readUInt32BE(0);
      let header = 8;
      if (length === 1) {
        length = Number(head.readBigUInt64BE(8));
        header = 16;
      } else if (length === 0) {
        length = size - at;
      }
      if (length < header || at + length > size) return undefined;
      if (head.toString('latin1', 4, 8) === 'moov') {
        const moov = Buffer.alloc(length - header);
        await file.read(moov, 0, moov.length, at + header);
        return videoSamples(moov);
      }
      at += length;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

/** Sample count of the first `vide` track of a moov body. Pure. */
export function videoSamples(moov: Buffer): number | undefined {
  for (const trak of boxes(moov).filter((b) => b.type === 'trak')) {
    // hdlr: version/flags (4), pre_defined (4), handler_type (4).
    const hdlr = child(trak.body, ['mdia', 'hdlr']);
    if (hdlr?.toString('latin1', 8, 12) !== 'vide') continue;
    // stsz: version/flags (4), sample_size (4), sample_count (4); a fragmented file has none here.
    const stsz = child(trak.body, ['mdia', 'minf', 'stbl', 'stsz']);
    const count = stsz && stsz.length >= 12 ? stsz.readUInt32BE(8) : 0;
    return count > 0 ? count : undefined;
  }
  return undefined;
}
