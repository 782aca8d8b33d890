import { writeFile } from 'node:fs/promises';
import { readMoov } from './mp4-samples.js';
import { mp4Timing } from './mp4-timing.js';
import { concatList } from './segment-args.js';

/**
 * Writes the ffconcat list of `paths` to `list`, each MP4 with its exact presented video duration
 * (its track's own time scale): without it the concat demuxer places the next file by the MP4's
 * duration in milliseconds, and every seam moves the rest of the video up to half a millisecond
 * (6.667 s for 200 frames at 30 fps). Files it cannot read as MP4 are placed as before.
 */
export async function writeConcatList(list: string, paths: readonly string[]): Promise<void> {
  await writeFile(list, concatList(paths, await Promise.all(paths.map(presentedSeconds))));
}

async function presentedSeconds(path: string): Promise<number | undefined> {
  const moov = await readMoov(path);
  return moov ? mp4Timing(moov)?.video.durationSec : undefined;
}
