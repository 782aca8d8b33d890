import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OnsetStream, RealFft } from '../../src/analysis/beats/index.js';
import { melFilterbank } from '../../src/analysis/beats/mel-filterbank.js';

const exec = promisify(execFile);

/** Each frame's mel levels (dB) and RMS as the TypeScript computed them before the kernel took over. */
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
    it(`gives the mel levels and RMS of the TypeScript transform bit for bit at ${sampleRate} Hz`, () => {
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
});
