/** One triangular mel filter over FFT bins [first, first + weights.length). */
export interface MelFilter {
  first: number;
  weights: Float64Array;
}

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** Triangular filters evenly spaced on the mel scale between fMin and fMax. Pure. */
export function melFilterbank(
  sampleRate: number,
  fftSize: number,
  bands: number,
  fMin: number,
  fMax: number,
): MelFilter[] {
  const bins = fftSize / 2 + 1;
  const binHz = sampleRate / fftSize;
  const lo = hzToMel(fMin);
  const hi = hzToMel(Math.min(fMax, sampleRate / 2));
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
  const filters: MelFilter[] = [];
  for (let b = 0; b < bands; b++) {
    const [left, centre, right] = [edges[b]!, edges[b + 1]!, edges[b + 2]!];
    const first = Math.max(0, Math.floor(left / binHz));
    const last = Math.min(bins - 1, Math.ceil(right / binHz));
    const weights = new Float64Array(last - first + 1);
    for (let k = first; k <= last; k++) {
      const hz = k * binHz;
      const w = hz <= centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre);
      weights[k - first] = Math.max(0, w);
    }
    filters.push({ first, weights });
  }
  return filters;
}
