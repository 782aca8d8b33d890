import { localInput, runFfmpeg } from './run.js';

export interface PsnrReport {
  /** Average PSNR over all frames (the `psnr_avg` mean), dB. */
  average: number;
  /** Per-frame PSNR, paired by frame index, not by timestamp. */
  perFrame: number[];
  min: number;
}

/** Parses the psnr filter's stats_file lines ("n:1 mse_avg:... psnr_avg:41.2 ..."). Pure. */
export function parsePsnrStats(text: string): number[] {
  const values: number[] = [];
  for (const line of text.split('\n')) {
    const match = /psnr_avg:(\S+)/.exec(line);
    if (match) values.push(match[1] === 'inf' ? 100 : Math.min(100, Number(match[1])));
  }
  return values;
}

/**
 * PSNR of `distorted` against `reference`, frame i against frame i: both sides are re-timed by index,
 * so a shifted, dropped or duplicated frame shows as a collapse of PSNR from that frame on.
 */
export async function psnrByIndex(
  distorted: string,
  reference: string,
  options: { timeoutMs?: number; signal?: AbortSignal; referenceFilter?: string } = {},
): Promise<PsnrReport> {
  // Frame i at i/30 s exactly on both sides: set in their own time bases, a 25 fps MP4's 1/12800
  // and an MPEG-TS's 1/90000 round i/30 differently, and the comparison paired frame i with i - 1.
  const byIndex = 'settb=1/30,setpts=N';
  const refChain = [options.referenceFilter, byIndex].filter(Boolean).join(',');
  const graph = `[0:v]${byIndex}[d];[1:v]${refChain}[r];[d][r]psnr=shortest=1:stats_file=-[o]`;
  const { stdout } = await runFfmpeg(
    [
      ...localInput(distorted),
      ...localInput(reference),
      '-filter_complex',
      graph,
      '-map',
      '[o]',
      '-f',
      'null',
      '-',
    ],
    { timeoutMs: options.timeoutMs ?? 10 * 60_000, signal: options.signal, label: 'PSNR comparison' },
  );
  const perFrame = parsePsnrStats(stdout.toString('utf8'));
  const average = perFrame.reduce((a, b) => a + b, 0) / Math.max(1, perFrame.length);
  return { average, perFrame, min: Math.min(...perFrame) };
}
