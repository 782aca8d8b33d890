import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OnsetStream, RealFft } from '../../src/analysis/beats/index.js';
import { chordChange } from '../../src/analysis/beats/chord-change.js';
import { melFilterbank } from '../../src/analysis/beats/mel-filterbank.js';
import { onsetEnvelope } from '../../src/analysis/beats/onset-strength.js';
import { lagProducts } from '../../src/analysis/beats/rhythm-evidence.js';
import { wavToMono, type WavLayout } from '../../src/media/wav.js';
import { Dsp, scratch } from '../../src/wasm/dsp.js';

const exec = promisify(execFile);

/**
 * Each frame's mel levels (dB) and RMS as the TypeScript computed them before melFrame took over:
 * window, transform (RealFft: the same kernel, checked against a direct DFT in analysis-beats),
 * filterbank and dB, step by step.
 */
function reference(
  samples: Float32Array,
  sampleRate: number,
  fftSize: number,
  bands: number,
): { levels: number[][]; rms: number[] } {
  const hop = fftSize / 4;
  const fft = new RealFft(fftSize);
  const filters = melFilterbank(sampleRate, fftSize, bands, 30, 8000);
  const frames = Math.floor(samples.length / hop) + 1;
  const frame = new Float64Array(fftSize);
  const power = new Float64Array(fftSize / 2 + 1);
  const levels: number[][] = [];
  const rms: number[] = [];
  for (let t = 0; t < frames; t++) {
    let energy = 0;
    for (let i = 0; i < fftSize; i++) {
      const x = samples[t * hop - fftSize / 2 + i] ?? 0;
      energy += x * x;
      frame[i] = x * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize));
    }
    rms.push(Math.sqrt(energy / fftSize));
    fft.power(frame, power);
    levels.push(
      filters.map((f) => {
        let sum = 0;
        for (let k = 0; k < f.weights.length; k++) sum += f.weights[k]! * power[f.first + k]!;
        return 10 * Math.log10(Math.max(1e-10, sum));
      }),
    );
  }
  return { levels, rms };
}

describe('WebAssembly kernels (wasm/dsp.ts)', () => {
  it('is the module its source compiles to', async () => {
    // Fails with a message when wasm/dsp.ts changed and src/wasm/dsp-module.ts was not rebuilt.
    await expect(exec(process.execPath, ['scripts/build-wasm.mjs', '--check'])).resolves.toBeDefined();
  }, 60_000);

  // 11025 Hz: 512-point frames (a radix-4 first stage); 22050 Hz: 1024 (radix-2 first).
  for (const sampleRate of [11025, 22050]) {
    it(`gives the mel levels and RMS of the step-by-step computation bit for bit at ${sampleRate} Hz`, () => {
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
      const samples = Float32Array.from({ length: sampleRate }, (_, i) => 0.3 * random() * Math.sin(i / 50));
      const stream = new OnsetStream(sampleRate);
      stream.push(samples);
      const mel = stream.finish();
      const { levels: expected, rms } = reference(samples, sampleRate, mel.fftSize, mel.bandCount);
      expect(mel.frames).toBe(expected.length);
      expect(Array.from(mel.rms)).toEqual(rms);
      const rows = Array.from({ length: mel.frames }, (_, t) =>
        Array.from(mel.logMel.subarray(t * mel.bandCount, (t + 1) * mel.bandCount)),
      );
      expect(rows).toEqual(expected);
      expect(mel.loudest).toBe(Math.max(...expected.flat()));
    });
  }

  it('sums lag products as the direct sums do, bit for bit', () => {
    const direct = (x: Float64Array, maxLag: number, minLag: number) => {
      const mean = x.reduce((a, b) => a + b, 0) / x.length;
      const d = x.map((v) => v - mean);
      const sums = new Float64Array(maxLag + 1);
      const at = (lag: number) => {
        let sum = 0;
        for (let i = lag; i < d.length; i++) sum += d[i]! * d[i - lag]!;
        return sum;
      };
      sums[0] = at(0);
      for (let lag = Math.max(1, minLag); lag <= maxLag && lag < d.length; lag++) sums[lag] = at(lag);
      return sums;
    };
    // Lags past the curve's end stay 0; lags under minLag too.
    for (const [n, maxLag, minLag] of [
      [2580, 259, 1],
      [300, 120, 40],
      [10, 30, 1],
    ] as const) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.abs(Math.sin(i * 1.7)) ** 3);
      expect(lagProducts(x, maxLag, minLag)).toEqual(direct(x, maxLag, minLag));
    }
  });

  it('gives the spectral flux of the levels as the TypeScript did', () => {
    const stream = new OnsetStream(11025);
    stream.push(
      Float32Array.from({ length: 11025 }, (_, i) => (i % 2205 < 200 ? Math.sin(i) : 0.01 * Math.sin(i / 3))),
    );
    const mel = stream.finish();
    const floor = mel.loudest - 80;
    const expected = Array.from({ length: mel.frames }, (_, t) => {
      let flux = 0;
      for (let b = 0; b < mel.bandCount; b++) {
        const now = Math.max(floor, mel.logMel[t * mel.bandCount + b]!);
        const before = t === 0 ? floor : Math.max(floor, mel.logMel[(t - 1) * mel.bandCount + b]!);
        if (now > before) flux += now - before;
      }
      return flux / mel.bandCount;
    });
    expect(Array.from(onsetEnvelope(mel).onset)).toEqual(expected);
  });

  it("folds each frame's power into pitch classes as the direct sums do", () => {
    const sampleRate = 11025;
    // A C major triad's partials, then an A minor one, over a little noise.
    const chord = (notes: number[], i: number) =>
      notes.reduce(
        (sum, n) => sum + Math.sin((2 * Math.PI * 440 * 2 ** ((n - 69) / 12) * i) / sampleRate),
        0,
      );
    const samples = Float32Array.from(
      { length: sampleRate },
      (_, i) => 0.1 * chord(i < sampleRate / 2 ? [72, 76, 79] : [69, 72, 76], i) + 0.001 * Math.sin(i * 1.3),
    );
    const stream = new OnsetStream(sampleRate);
    stream.push(samples);
    const mel = stream.finish();
    const { fftSize, hop, frames } = mel;
    const fft = new RealFft(fftSize);
    const frame = new Float64Array(fftSize);
    const power = new Float64Array(fftSize / 2 + 1);
    const expected: number[] = [];
    for (let t = 0; t < frames; t++) {
      for (let i = 0; i < fftSize; i++)
        frame[i] =
          (samples[t * hop - fftSize / 2 + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize));
      fft.power(frame, power);
      const classes = new Array<number>(12).fill(0);
      for (let k = 0; k < power.length; k++) {
        const hz = (k * sampleRate) / fftSize;
        if (hz < 500 || hz > 3500) continue;
        const note = Math.round(60 + 12 * Math.log2(hz / 261.63));
        classes[((note % 12) + 12) % 12]! += power[k]!;
      }
      expected.push(...classes.map(Math.fround));
    }
    expect(Array.from(mel.chroma)).toEqual(expected);
    // The loudest class is the chord's: C (0) or E (4) first, A (9), C or E after.
    const loudest = (t: number) => {
      const row = Array.from(mel.chroma.subarray(t * 12, t * 12 + 12));
      return row.indexOf(Math.max(...row));
    };
    expect([0, 4, 7]).toContain(loudest(10));
    expect([9, 0, 4]).toContain(loudest(frames - 10));
  });

  it('gives the chord change of the chroma as the TypeScript did, bit for bit', () => {
    // The TypeScript chordChange before the kernel took it over: pools of 4 frames, a median of
    // 11 pools for each class, the cosine of the 0.5 s before and after.
    const direct = (chroma: Float32Array, frames: number, side: number) => {
      const pooled = Math.floor(frames / 4);
      const out = new Float64Array(frames);
      const sums = new Float64Array(pooled * 12);
      for (let t = 0; t < pooled * 4; t++)
        for (let c = 0; c < 12; c++) sums[Math.floor(t / 4) * 12 + c]! += chroma[t * 12 + c]!;
      const running = new Float64Array((pooled + 1) * 12);
      for (let j = 0; j < pooled; j++)
        for (let c = 0; c < 12; c++) {
          const window: number[] = [];
          for (let k = Math.max(0, j - 5); k <= Math.min(pooled - 1, j + 5); k++)
            window.push(sums[k * 12 + c]!);
          window.sort((a, b) => a - b);
          const n = window.length;
          const median = n % 2 ? window[(n - 1) / 2]! : 0.5 * (window[n / 2 - 1]! + window[n / 2]!);
          running[(j + 1) * 12 + c] = running[j * 12 + c]! + median;
        }
      for (let j = side; j + side <= pooled; j++) {
        let [dot, b2, a2] = [0, 0, 0];
        for (let c = 0; c < 12; c++) {
          const before = running[j * 12 + c]! - running[(j - side) * 12 + c]!;
          const after = running[(j + side) * 12 + c]! - running[j * 12 + c]!;
          dot += before * after;
          b2 += before * before;
          a2 += after * after;
        }
        out.fill(b2 > 0 && a2 > 0 ? 1 - dot / Math.sqrt(b2 * a2) : 0, j * 4, (j + 1) * 4);
      }
      return out;
    };
    const frameRate = 11025 / 128;
    for (const frames of [2583, 402, 30]) {
      const chroma = Float32Array.from(
        { length: frames * 12 },
        (_, i) => Math.abs(Math.sin(i * 0.37)) ** 2 * ((i / 12) % 7),
      );
      expect(chordChange(chroma, frames, frameRate)).toEqual(
        direct(chroma, frames, Math.round((0.5 * frameRate) / 4)),
      );
    }
  });

  it('mixes 16-bit and float WAV samples to mono as wavToMono does, bit for bit', () => {
    for (const float of [false, true])
      for (const channels of [1, 2])
        for (const mix of ['sum', 'difference'] as const) {
          const frames = 1000;
          const values = Array.from({ length: frames * channels }, (_, i) => Math.sin(i * 0.37) * 0.9);
          const bytes = float
            ? new Uint8Array(Float32Array.from(values).buffer)
            : new Uint8Array(Int16Array.from(values, (v) => Math.round(v * 32767)).buffer);
          const layout: WavLayout = {
            sampleRate: 44100,
            channels,
            bytes: float ? 4 : 2,
            float,
            dataOffset: 0,
            dataBytes: bytes.length,
          };
          const dsp = new Dsp();
          const [at, out] = [dsp.put(bytes), dsp.alloc(4 * frames)];
          dsp.kernels.downmix(at, frames, channels, float ? 1 : 0, mix === 'difference' ? 1 : 0, out);
          expect(
            Array.from(dsp.f32(out, frames)),
            `${float ? 'float' : '16-bit'} x${channels} ${mix}`,
          ).toEqual(Array.from(wavToMono(bytes, layout, undefined, mix)));
        }
  });

  it('gives scratch over 64 MB an instance of its own: the shared memory never grows past that', () => {
    const small = scratch({ a: 1024 });
    const big = scratch({ a: 48 << 20, b: 32 << 20 });
    expect(big.dsp).not.toBe(small.dsp);
    expect(big.at).toEqual({ a: 0, b: 48 << 20 });
    expect(big.dsp.kernels.memory.buffer.byteLength).toBeGreaterThanOrEqual(80 << 20);
    expect(scratch({ b: 8 }).dsp).toBe(small.dsp);
    expect(small.dsp.kernels.memory.buffer.byteLength).toBeLessThanOrEqual((64 << 20) + 65_536);
  });
});
