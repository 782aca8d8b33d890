/**
 * Dominant colour of a shot from small RGB samples of its frames: the most populated cell of a
 * 4x4x4 colour cube, reported as the mean of the pixels in it (so a mostly blue shot with a red
 * logo is blue, not purple). Pure.
 */
export function dominantColour(frames: readonly Uint8Array[]): string {
  const count = new Array<number>(64).fill(0);
  const sum = new Float64Array(64 * 3);
  for (const rgb of frames) {
    for (let i = 0; i + 2 < rgb.length; i += 3) {
      const r = rgb[i]!;
      const g = rgb[i + 1]!;
      const b = rgb[i + 2]!;
      const cell = ((r >> 6) << 4) | ((g >> 6) << 2) | (b >> 6);
      count[cell]!++;
      sum[3 * cell]! += r;
      sum[3 * cell + 1]! += g;
      sum[3 * cell + 2]! += b;
    }
  }
  let best = 0;
  for (let c = 1; c < 64; c++) if (count[c]! > count[best]!) best = c;
  const n = Math.max(1, count[best]!);
  const hex = (v: number) =>
    Math.round(v / n)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(sum[3 * best]!)}${hex(sum[3 * best + 1]!)}${hex(sum[3 * best + 2]!)}`;
}

/** The samples (taken `rate` per second from time 0) that fall inside [startSec, endSec); at least the nearest one. */
export function samplesIn<T>(samples: readonly T[], rate: number, startSec: number, endSec: number): T[] {
  const a = Math.max(0, Math.ceil(startSec * rate - 1e-9));
  const b = Math.min(samples.length, Math.ceil(endSec * rate - 1e-9));
  if (b > a) return samples.slice(a, b);
  const nearest = Math.min(samples.length - 1, Math.max(0, Math.round(((startSec + endSec) / 2) * rate)));
  return samples.length > 0 ? [samples[nearest]!] : [];
}
