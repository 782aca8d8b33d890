import { open } from 'node:fs/promises';

/**
 * Seconds of PCM audio in a RIFF/WAVE file (what espeak-ng writes), from its header in-process:
 * the `data` chunk's bytes over the `fmt ` chunk's byte rate (the rest of the file when a streamed
 * writer left the size unset). Undefined when the file is not such a WAV.
 */
export async function wavDuration(path: string): Promise<number | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, 4096));
    await file.read(head, 0, head.length, 0);
    return wavHeaderDuration(head, size);
  } finally {
    await file.close();
  }
}

/** The same from the first bytes of a file of `fileSize` bytes. Pure. */
export function wavHeaderDuration(head: Buffer, fileSize: number): number | undefined {
  if (
    head.length < 12 ||
    head.toString('latin1', 0, 4) !== 'RIFF' ||
    head.toString('latin1', 8, 12) !== 'WAVE'
  )
    return undefined;
  let byteRate = 0;
  let at = 12;
  while (at + 8 <= head.length) {
    const id = head.toString('latin1', at, at + 4);
    const length = head.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= head.length) byteRate = head.readUInt32LE(at + 16);
    if (id === 'data') {
      if (byteRate <= 0) return undefined;
      const rest = fileSize - (at + 8);
      const bytes = length === 0 || length === 0xffffffff || length > rest ? rest : length;
      return bytes / byteRate;
    }
    // Chunks are padded to an even length.
    at += 8 + length + (length % 2);
  }
  return undefined;
}
