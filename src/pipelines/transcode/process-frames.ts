import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { probe } from '../../media/probe.js';
import type { FrameSource } from './process-args.js';

/** What a processor handed back: how many frames, of which sizes, and a name out of sequence if any. */
export interface FramesFound {
  count: number;
  /** Distinct frame sizes, `WxH`. */
  sizes: string[];
  /** A PNG whose name breaks the 000001.png... sequence (the encoder could not read past it). */
  misnamed: string | undefined;
}

/** Counts a processor's output frames: packets of a video, or the PNGs of a folder (sizes from their headers). */
export async function framesIn(source: FrameSource, signal?: AbortSignal): Promise<FramesFound> {
  if (source.kind === 'video') {
    const info = await probe(source.path, { signal });
    const video = info.video;
    return {
      count: video?.frameCount ?? 0,
      sizes: video ? [`${video.width}x${video.height}`] : [],
      misnamed: undefined,
    };
  }
  const names = (await readdir(source.dir)).filter((n) => /\.png$/i.test(n)).sort();
  const sizes = new Set<string>();
  let misnamed: string | undefined;
  for (const [i, name] of names.entries()) {
    if (misnamed === undefined && name !== `${String(i + 1).padStart(6, '0')}.png`) misnamed = name;
    sizes.add(await pngSize(join(source.dir, name)));
  }
  return { count: names.length, sizes: [...sizes], misnamed };
}

/** A PNG's size from its IHDR chunk (bytes 16-23), without decoding it. */
async function pngSize(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(24);
    const { bytesRead } = await file.read(header, 0, 24, 0);
    if (bytesRead < 24 || header.toString('latin1', 12, 16) !== 'IHDR') return 'not-a-png';
    return `${header.readUInt32BE(16)}x${header.readUInt32BE(20)}`;
  } finally {
    await file.close();
  }
}
