// AssemblyScript: the hot loops of audio analysis, compiled to WebAssembly (`npm run build:wasm`
// writes src/wasm/dsp-module.ts). Each is the same arithmetic in the same order as the TypeScript
// it replaced (src/analysis/beats/fft.ts, onset-stream.ts, onset-strength.ts, rhythm-evidence.ts;
// src/media/resample.ts, wav.ts), so results are bit-identical; what changes is that a freshly
// started process runs them compiled from the first call instead of interpreting them until V8's
// optimising compiler catches up.
//
// One instance per user (an OnsetStream, a resampler stage, a WAV reader; one shared for the
// curves' scratch): its own memory, the transform's and the frame's layout in globals. Pointers are
// byte offsets into that memory, laid out by src/wasm/dsp.ts; arrays are f64 unless named otherwise.

// ---- Mel spectrum of one frame (OnsetStream) ----

let fftSize: i32 = 0;
let half: i32 = 0;
let oddStages: bool = false;
let samples: usize = 0; // f32: the stream's sample buffer
let window: usize = 0; // Hann window, fftSize
let frame: usize = 0; // windowed frame, fftSize
let re: usize = 0; // half
let im: usize = 0; // half
let cosTable: usize = 0; // half
let sinTable: usize = 0; // half
let bitrev: usize = 0; // u32, half
let stages: usize = 0; // per stage: i32 length, i32 pointer to its twiddles (6 x length f64)
let stageCount: i32 = 0;
let power: usize = 0; // the frame's power spectrum, half + 1
let bandCount: i32 = 0;
let first: usize = 0; // i32 per band
let count: usize = 0; // i32 per band
let offset: usize = 0; // i32 per band
let weights: usize = 0;
let side: usize = 0; // i8 per band
let mel: usize = 0; // out: each band's level (dB), bandCount
let loudest: f64 = -Infinity; // the highest level of any band of any frame so far

// JavaScript's Math.log10 (imported: the levels are exactly those the TypeScript computed).
declare function log10(x: f64): f64;
let result: usize = 0; // out: rms, low, high

function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + ((<usize>i) << 3));
}
function f64Set(base: usize, i: i32, v: f64): void {
  store<f64>(base + ((<usize>i) << 3), v);
}
function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + ((<usize>i) << 2));
}

/** The transform's size and tables (RealFft in src/analysis/beats/fft.ts lays them out). */
export function initFft(
  size: i32,
  rePtr: usize,
  imPtr: usize,
  cosPtr: usize,
  sinPtr: usize,
  bitrevPtr: usize,
  stagesPtr: usize,
  stageN: i32,
): void {
  fftSize = size;
  half = size >> 1;
  oddStages = (ctz(half) & 1) == 1;
  re = rePtr;
  im = imPtr;
  cosTable = cosPtr;
  sinTable = sinPtr;
  bitrev = bitrevPtr;
  stages = stagesPtr;
  stageCount = stageN;
}

/** The mel filterbank and the frame's buffers, after initFft. */
export function initMel(
  samplesPtr: usize,
  windowPtr: usize,
  framePtr: usize,
  powerPtr: usize,
  bands: i32,
  firstPtr: usize,
  countPtr: usize,
  offsetPtr: usize,
  weightsPtr: usize,
  sidePtr: usize,
  melPtr: usize,
  resultPtr: usize,
): void {
  samples = samplesPtr;
  window = windowPtr;
  frame = framePtr;
  power = powerPtr;
  bandCount = bands;
  first = firstPtr;
  count = countPtr;
  offset = offsetPtr;
  weights = weightsPtr;
  side = sidePtr;
  mel = melPtr;
  result = resultPtr;
}

/** The highest band level (dB) of the frames so far. */
export function loudestLevel(): f64 {
  return loudest;
}

/** The frame of fftSize samples from sample `at` of the buffer: mel levels, rms, low, high. */
export function melFrame(at: i32): void {
  let energy: f64 = 0;
  const from = samples + ((<usize>at) << 2);
  for (let i = 0; i < fftSize; i++) {
    const x = <f64>load<f32>(from + ((<usize>i) << 2));
    energy += x * x;
    f64Set(frame, i, x * f64At(window, i));
  }
  f64Set(result, 0, Math.sqrt(energy / <f64>fftSize));
  powerSpectrum(frame, power);
  let low: f64 = 0;
  let high: f64 = 0;
  for (let b = 0; b < bandCount; b++) {
    const f = i32At(first, b);
    const o = i32At(offset, b);
    const n = i32At(count, b);
    let sum: f64 = 0;
    for (let k = 0; k < n; k++) sum += f64At(weights, o + k) * f64At(power, f + k);
    const s = load<i8>(side + <usize>b);
    if (s < 0) low += sum;
    else if (s > 0) high += sum;
    const db = 10 * log10(Math.max(1e-10, sum));
    f64Set(mel, b, db);
    if (db > loudest) loudest = db;
  }
  f64Set(result, 1, low);
  f64Set(result, 2, high);
}

/** |X[k]|^2 of `input` (fftSize f64), k = 0..half, into `out` (after initFft). */
export function powerSpectrum(input: usize, out: usize): void {
  for (let i = 0; i < half; i++) {
    const j = load<u32>(bitrev + ((<usize>i) << 2));
    f64Set(re, j, f64At(input, 2 * i));
    f64Set(im, j, f64At(input, 2 * i + 1));
  }
  if (oddStages) firstRadix2();
  else firstRadix4();
  for (let s = 0; s < stageCount; s++) {
    const at = stages + ((<usize>s) << 3);
    radix4(load<i32>(at), load<i32>(at + 4));
  }
  const r0 = f64At(re, 0);
  const i0 = f64At(im, 0);
  f64Set(out, 0, (r0 + i0) * (r0 + i0));
  f64Set(out, half, (r0 - i0) * (r0 - i0));
  for (let k = 1; k < half; k++) {
    const zr = f64At(re, k);
    const zi = f64At(im, k);
    const cr = f64At(re, half - k);
    const ci = -f64At(im, half - k);
    const er = (zr + cr) / 2;
    const ei = (zi + ci) / 2;
    const or = (zi - ci) / 2;
    const oi = -(zr - cr) / 2;
    const xr = er + f64At(cosTable, k) * or - f64At(sinTable, k) * oi;
    const xi = ei + f64At(cosTable, k) * oi + f64At(sinTable, k) * or;
    f64Set(out, k, xr * xr + xi * xi);
  }
}

function firstRadix2(): void {
  for (let a = 0; a < half; a += 2) {
    const tr = f64At(re, a + 1);
    const ti = f64At(im, a + 1);
    f64Set(re, a + 1, f64At(re, a) - tr);
    f64Set(im, a + 1, f64At(im, a) - ti);
    f64Set(re, a, f64At(re, a) + tr);
    f64Set(im, a, f64At(im, a) + ti);
  }
}

function firstRadix4(): void {
  for (let a = 0; a < half; a += 4) {
    const sr = f64At(re, a) + f64At(re, a + 1);
    const si = f64At(im, a) + f64At(im, a + 1);
    const dr = f64At(re, a) - f64At(re, a + 1);
    const di = f64At(im, a) - f64At(im, a + 1);
    const ur = f64At(re, a + 2) + f64At(re, a + 3);
    const ui = f64At(im, a + 2) + f64At(im, a + 3);
    const vr = f64At(im, a + 2) - f64At(im, a + 3);
    const vi = f64At(re, a + 3) - f64At(re, a + 2);
    f64Set(re, a, sr + ur);
    f64Set(im, a, si + ui);
    f64Set(re, a + 2, sr - ur);
    f64Set(im, a + 2, si - ui);
    f64Set(re, a + 1, dr + vr);
    f64Set(im, a + 1, di + vi);
    f64Set(re, a + 3, dr - vr);
    f64Set(im, a + 3, di - vi);
  }
}

function radix4(length: i32, w: usize): void {
  for (let start = 0; start < half; start += 4 * length) {
    for (let k = 0; k < length; k++) {
      const a = start + k;
      const b = a + length;
      const c = b + length;
      const d = c + length;
      const w1r = f64At(w, 6 * k);
      const w1i = f64At(w, 6 * k + 1);
      const w2r = f64At(w, 6 * k + 2);
      const w2i = f64At(w, 6 * k + 3);
      const w3r = f64At(w, 6 * k + 4);
      const w3i = f64At(w, 6 * k + 5);
      const t1r = f64At(re, b) * w2r - f64At(im, b) * w2i;
      const t1i = f64At(re, b) * w2i + f64At(im, b) * w2r;
      const t2r = f64At(re, c) * w1r - f64At(im, c) * w1i;
      const t2i = f64At(re, c) * w1i + f64At(im, c) * w1r;
      const t3r = f64At(re, d) * w3r - f64At(im, d) * w3i;
      const t3i = f64At(re, d) * w3i + f64At(im, d) * w3r;
      const sr = f64At(re, a) + t1r;
      const si = f64At(im, a) + t1i;
      const dr = f64At(re, a) - t1r;
      const di = f64At(im, a) - t1i;
      const ur = t2r + t3r;
      const ui = t2i + t3i;
      const vr = t2i - t3i;
      const vi = t3r - t2r;
      f64Set(re, a, sr + ur);
      f64Set(im, a, si + ui);
      f64Set(re, c, sr - ur);
      f64Set(im, c, si - ui);
      f64Set(re, b, dr + vr);
      f64Set(im, b, di + vi);
      f64Set(re, d, dr - vr);
      f64Set(im, d, di - vi);
    }
  }
}

// ---- Resampler stages (src/media/resample.ts) ----

/**
 * Halver: out[i] for i < n from the f32 window `x`, centre c0 then every 2 samples (7-tap
 * half-band: 0.5 x[c] + 0.3 (x[c-1] + x[c+1]) - 0.05 (x[c-3] + x[c+3])).
 */
export function halve(x: usize, c0: i32, out: usize, n: i32): void {
  for (let i = 0, c = c0; i < n; i++, c += 2) {
    const p = x + ((<usize>c) << 2);
    const v =
      0.5 * <f64>load<f32>(p) +
      0.3 * (<f64>load<f32>(p - 4) + <f64>load<f32>(p + 4)) -
      0.05 * (<f64>load<f32>(p - 12) + <f64>load<f32>(p + 12));
    store<f32>(out + ((<usize>i) << 2), <f32>v);
  }
}

/**
 * Polyphase sinc: out[i] for i < n, output next + i at input position (next + i) * step; the f32
 * `table` holds `phases` rows of `taps` taps; the f32 window `x` starts at input sample `start`.
 */
export function polyphase(
  x: usize,
  start: i32,
  out: usize,
  n: i32,
  next: f64,
  step: f64,
  half: i32,
  taps: i32,
  phases: i32,
  table: usize,
): void {
  for (let i = 0; i < n; i++) {
    const t = (next + <f64>i) * step;
    let whole = Math.floor(t);
    let phase = Math.round((t - whole) * <f64>phases);
    if (phase == <f64>phases) {
      whole++;
      phase = 0;
    }
    const base = <i32>whole - half + 1 - start;
    const row = <i32>phase * taps;
    let a0: f64 = 0;
    let a1: f64 = 0;
    let a2: f64 = 0;
    let a3: f64 = 0;
    const tp = table + ((<usize>row) << 2);
    const xp = x + ((<usize>base) << 2);
    for (let k = 0; k < taps; k += 4) {
      const o = (<usize>k) << 2;
      a0 += <f64>load<f32>(tp + o) * <f64>load<f32>(xp + o);
      a1 += <f64>load<f32>(tp + o + 4) * <f64>load<f32>(xp + o + 4);
      a2 += <f64>load<f32>(tp + o + 8) * <f64>load<f32>(xp + o + 8);
      a3 += <f64>load<f32>(tp + o + 12) * <f64>load<f32>(xp + o + 12);
    }
    store<f32>(out + ((<usize>i) << 2), <f32>(a0 + a1 + a2 + a3));
  }
}

// ---- Curves (src/analysis/beats/rhythm-evidence.ts, onset-strength.ts) ----

/**
 * lagProducts: out[lag] = sum over i of d[i] d[i - lag], d = x minus its mean, for lag 0 and the
 * lags from max(1, minLag) to maxLag below n (out, maxLag + 1 long, is zeroed by the caller).
 * `d` is scratch, n long.
 */
export function lagProducts(x: usize, n: i32, minLag: i32, maxLag: i32, d: usize, out: usize): void {
  let mean: f64 = 0;
  for (let i = 0; i < n; i++) mean += f64At(x, i);
  mean /= <f64>n;
  for (let i = 0; i < n; i++) f64Set(d, i, f64At(x, i) - mean);
  f64Set(out, 0, lagSum(d, n, 0));
  for (let lag = minLag > 1 ? minLag : 1; lag <= maxLag && lag < n; lag++)
    f64Set(out, lag, lagSum(d, n, lag));
}

function lagSum(d: usize, n: i32, lag: i32): f64 {
  let sum: f64 = 0;
  for (let i = lag; i < n; i++) sum += f64At(d, i) * f64At(d, i - lag);
  return sum;
}

/**
 * Spectral flux (onsetEnvelope): out[t] = the mean over bands of the rise of the level, each
 * level floored at `floor`, from frame t - 1 (the floor before frame 0) to frame t.
 */
export function flux(levels: usize, frames: i32, bands: i32, floor: f64, out: usize): void {
  for (let t = 0; t < frames; t++) {
    let sum: f64 = 0;
    for (let b = 0; b < bands; b++) {
      const now = Math.max(floor, f64At(levels, t * bands + b));
      const before = t == 0 ? floor : Math.max(floor, f64At(levels, (t - 1) * bands + b));
      if (now > before) sum += now - before;
    }
    f64Set(out, t, sum / <f64>bands);
  }
}

/**
 * harmonicChange (onset-strength.ts), from its pooling to its flux; the sizes and constants are the
 * caller's. `bands`: i32 indices of the `width` tonal bands; scratch: `coarse` and `filtered`
 * (pooled x width), `sorted` (2 half + 1), `levels`, `band`, `flux` (pooled, flux zeroed by the
 * caller), three deques (i32, pooled + 3: windowMax); `out` is frames long.
 */
export function harmonicChange(
  logMel: usize,
  frames: i32,
  bandCount: i32,
  bands: usize,
  width: i32,
  floor: f64,
  pool: i32,
  half: i32,
  span: i32,
  gapDb: f64,
  stepShare: f64,
  coarse: usize,
  sorted: usize,
  filtered: usize,
  levels: usize,
  band: usize,
  flux: usize,
  loudQueue: usize,
  highQueue: usize,
  lowQueue: usize,
  out: usize,
): void {
  const pooled = (frames + pool - 1) / pool;
  memory.fill(coarse, 0, (<usize>(pooled * width)) << 3);
  for (let t = 0; t < frames; t++)
    for (let j = 0; j < width; j++) {
      const at = (t / pool) * width + j;
      const v = Math.max(floor, f64At(logMel, t * bandCount + i32At(bands, j)));
      f64Set(coarse, at, f64At(coarse, at) + v / <f64>pool);
    }
  for (let j = 0; j < width; j++) {
    for (let t = 0; t < pooled; t++) {
      let count = 0;
      const last = t + half < pooled - 1 ? t + half : pooled - 1;
      for (let k = t - half > 0 ? t - half : 0; k <= last; k++) {
        const v = f64At(coarse, k * width + j);
        let i = count++;
        for (; i > 0 && f64At(sorted, i - 1) > v; i--) f64Set(sorted, i, f64At(sorted, i - 1));
        f64Set(sorted, i, v);
      }
      f64Set(filtered, t * width + j, f64At(sorted, count >> 1));
    }
  }
  resetWindow(loudQueue);
  for (let t = 0; t < pooled; t++) {
    const at = t * width;
    let level: f64 = 0;
    for (let j = 0; j < width; j++) level += f64At(filtered, at + j);
    level /= <f64>width;
    f64Set(levels, t, level);
    for (let j = 0; j < width; j++) f64Set(filtered, at + j, f64At(filtered, at + j) - level);
    if (t > 0 && level < windowMax(levels, loudQueue, t, span, 1) - gapDb)
      memory.copy(
        filtered + ((<usize>at) << 3),
        filtered + ((<usize>(at - width)) << 3),
        (<usize>width) << 3,
      );
  }
  for (let j = 0; j < width; j++) {
    for (let t = 0; t < pooled; t++) f64Set(band, t, f64At(filtered, t * width + j));
    resetWindow(highQueue);
    resetWindow(lowQueue);
    for (let t = 1; t < pooled; t++) {
      const now = f64At(band, t);
      // The highest and (as the highest of the negated) the lowest of the last `span` values.
      const high = windowMax(band, highQueue, t, span, 1);
      const low = windowMax(band, lowQueue, t, span, -1);
      const step = now - f64At(band, t - 1);
      f64Set(
        flux,
        t,
        f64At(flux, t) + (Math.max(0, now - high) + Math.max(0, -low - now) + stepShare * Math.abs(step)),
      );
    }
  }
  memory.fill(out, 0, (<usize>frames) << 3);
  for (let t = 1; t < pooled; t++) {
    const value = f64At(flux, t) / <f64>width;
    const end = (t + 1) * pool < frames ? (t + 1) * pool : frames;
    for (let i = t * pool; i < end; i++) f64Set(out, i, value);
  }
}

/**
 * The largest of sign x values[t - span .. t - 1], times sign (-1: minus the smallest), for t asked
 * in increasing order, in O(1) amortised: a deque of indices whose values fall. `deque` holds its
 * head, tail and next index (i32), then the indices; resetWindow empties it.
 */
function windowMax(values: usize, deque: usize, t: i32, span: i32, sign: f64): f64 {
  let head = i32At(deque, 0);
  let tail = i32At(deque, 1);
  let next = i32At(deque, 2);
  const queue = deque + 12;
  for (; next < t; next++) {
    const v = sign * f64At(values, next);
    while (tail > head && sign * f64At(values, i32At(queue, tail - 1)) <= v) tail--;
    store<i32>(queue + ((<usize>tail) << 2), next);
    tail++;
  }
  while (i32At(queue, head) < t - span) head++;
  store<i32>(deque, head);
  store<i32>(deque + 4, tail);
  store<i32>(deque + 8, next);
  return sign * f64At(values, i32At(queue, head));
}

function resetWindow(deque: usize): void {
  store<i32>(deque, 0);
  store<i32>(deque + 4, 0);
  store<i32>(deque + 8, 0);
}

// ---- WAV samples (src/media/wav.ts wavToMono's common layouts) ----

/**
 * Interleaved 16-bit (`float` 0) or 32-bit float (`float` 1) samples of 1 or 2 channels to mono f32:
 * the sum (or with `difference` the difference) of the two channels times sqrt 1/2, 16-bit scaled by
 * 1/32768.
 */
export function downmix(
  bytes: usize,
  frames: i32,
  channels: i32,
  float: i32,
  difference: i32,
  out: usize,
): void {
  const scale: f64 = float != 0 ? 1 : 1.0 / 32768;
  if (channels == 1) {
    // A mono file has no difference: silence (signed as wavToMono's).
    const gain: f64 = difference != 0 ? 0 : 1;
    for (let i = 0; i < frames; i++)
      store<f32>(out + ((<usize>i) << 2), <f32>(sampleAt(bytes, i, float) * scale * gain));
    return;
  }
  const gain = scale * Math.SQRT1_2;
  for (let f = 0; f < frames; f++) {
    const a = sampleAt(bytes, 2 * f, float);
    const b = sampleAt(bytes, 2 * f + 1, float);
    store<f32>(out + ((<usize>f) << 2), <f32>((difference != 0 ? a - b : a + b) * gain));
  }
}

function sampleAt(bytes: usize, i: i32, float: i32): f64 {
  return float != 0 ? <f64>load<f32>(bytes + ((<usize>i) << 2)) : <f64>load<i16>(bytes + ((<usize>i) << 1));
}

// ---- Chords (src/analysis/beats/onset-stream.ts, chord-change.ts) ----

/**
 * foldChroma: out[c] (12 f64) = the sum of the last frame's power (melFrame) over the bins of
 * pitch class c: bins[i] (i32) belongs to classes[i] (i32), for i below n.
 */
export function foldChroma(bins: usize, classes: usize, n: i32, out: usize): void {
  for (let c = 0; c < 12; c++) f64Set(out, c, 0);
  for (let i = 0; i < n; i++) {
    const c = i32At(classes, i);
    f64Set(out, c, f64At(out, c) + f64At(power, i32At(bins, i)));
  }
}

/** Inserts v into the n sorted values of `window`: n + 1. */
function sortedInsert(window: usize, n: i32, v: f64): i32 {
  let i = n - 1;
  for (; i >= 0 && f64At(window, i) > v; i--) f64Set(window, i + 1, f64At(window, i));
  f64Set(window, i + 1, v);
  return n + 1;
}

/** Removes one value equal to v from the n sorted values of `window`: n - 1. */
function sortedRemove(window: usize, n: i32, v: f64): i32 {
  let i = 0;
  while (i < n - 1 && f64At(window, i) !== v) i++;
  for (; i < n - 1; i++) f64Set(window, i, f64At(window, i + 1));
  return n - 1;
}

/**
 * chordChange: out[t] (frames f64) = one minus the cosine between the chroma (f32, frames x 12)
 * summed over the `side` pools of `pool` frames before t's pool and over `side` pools from it on,
 * each pitch class first median-filtered over +-medianHalf pools (truncated at the ends); the
 * same value for every frame of a pool, 0 where either side falls off the curve or is silent.
 * Scratch: sums ((frames / pool) x 12 f64), running ((frames / pool + 1) x 12 f64), window
 * (2 medianHalf + 1 f64).
 */
export function chordChange(
  chroma: usize,
  frames: i32,
  pool: i32,
  medianHalf: i32,
  side: i32,
  sums: usize,
  running: usize,
  window: usize,
  out: usize,
): void {
  const pooled = frames / pool;
  for (let t = 0; t < frames; t++) f64Set(out, t, 0);
  for (let i = 0; i < pooled * 12; i++) f64Set(sums, i, 0);
  for (let t = 0; t < pooled * pool; t++) {
    const to = (t / pool) * 12;
    for (let c = 0; c < 12; c++)
      f64Set(sums, to + c, f64At(sums, to + c) + <f64>load<f32>(chroma + ((<usize>(t * 12 + c)) << 2)));
  }
  // Each class's median over its window of pools, the window kept sorted as it slides: one value
  // in and one out per pool, not a sort of the whole window each time.
  for (let c = 0; c < 12; c++) {
    f64Set(running, c, 0);
    let n = 0;
    for (let j = 0; j < pooled; j++) {
      if (j === 0) {
        for (let k = 0; k <= medianHalf && k < pooled; k++)
          n = sortedInsert(window, n, f64At(sums, k * 12 + c));
      } else {
        if (j - medianHalf - 1 >= 0) n = sortedRemove(window, n, f64At(sums, (j - medianHalf - 1) * 12 + c));
        if (j + medianHalf < pooled) n = sortedInsert(window, n, f64At(sums, (j + medianHalf) * 12 + c));
      }
      const median =
        n & 1 ? f64At(window, n >> 1) : 0.5 * (f64At(window, (n >> 1) - 1) + f64At(window, n >> 1));
      f64Set(running, (j + 1) * 12 + c, f64At(running, j * 12 + c) + median);
    }
  }
  for (let j = side; j + side <= pooled; j++) {
    let dot: f64 = 0;
    let before2: f64 = 0;
    let after2: f64 = 0;
    for (let c = 0; c < 12; c++) {
      const before = f64At(running, j * 12 + c) - f64At(running, (j - side) * 12 + c);
      const after = f64At(running, (j + side) * 12 + c) - f64At(running, j * 12 + c);
      dot += before * after;
      before2 += before * before;
      after2 += after * after;
    }
    const change = before2 > 0 && after2 > 0 ? 1 - dot / Math.sqrt(before2 * after2) : 0;
    for (let t = j * pool; t < (j + 1) * pool; t++) f64Set(out, t, change);
  }
}
