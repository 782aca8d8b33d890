import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/media/run.js';

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'ff-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The fastest x264 encode: fixtures whose pictures do not matter, only their frames and timing. */
export const FAST_X264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];

/** Plain ffmpeg with arguments, for test fixtures only. */
export async function ffmpeg(args: string[]): Promise<void> {
  await runFfmpeg(['-y', ...args], { timeoutMs: 120_000, label: 'test fixture' });
}
