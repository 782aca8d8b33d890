import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/media/resample.js';

const tone = (rate: number, seconds: number, ...hz: number[]) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    hz.reduce((sum, f) => sum + Math.sin((2 * Math.PI * f * i) / rate) / hz.length, 0),
  );

function convert(input: Float32Array, from: number, to: number, chunk = 65_536): Float32Array {
  const resampler = new Resampler(from, to);
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += chunk)
    parts.push(resampler.push(input.subarray(i, i + chunk)).slice());
  parts.push(resampler.flush());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** RMS of `a - b` over the middle of the signal (the ends see the zeros around it). */
function rmsError(a: Float32Array, b: (i: number) => number): number {
  let sum = 0;
  let n = 0;
  for (let i = 500; i < a.length - 500; i++, n++) sum += (a[i]! - b(i)) ** 2;
  return Math.sqrt(sum / n);
}

describe('Resampler', () => {
  it.each([
    [44_100, 11_025],
    [48_000, 11_025],
    [96_000, 11_025],
    [22_050, 11_025],
    [16_000, 11_025],
    [8_000, 11_025],
  ])('converts %i Hz to %i Hz: the output length of the rate ratio, a 440 Hz tone kept', (from, to) => {
    const out = convert(tone(from, 3, 440), from, to);
    expect(out.length).toBe(Math.floor((3 * from * to) / from));
    const error = rmsError(out, (i) => Math.sin((2 * Math.PI * 440 * i) / to));
    expect(error).toBeLessThan(2e-3);
  });

  it.each([44_100, 48_000])('keeps a tone above the output Nyquist from folding back (%i Hz)', (from) => {
    // 7 kHz at 11025 Hz would alias to 4025 Hz: it must be 30 dB down, the 440 Hz tone intact.
    const out = convert(tone(from, 3, 440, 7000), from, 11_025);
    const error = rmsError(out, (i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 11_025));
    expect(error).toBeLessThan(0.5 * 10 ** (-30 / 20));
  });

  it('gives the same samples whatever the chunk sizes pushed', () => {
    const input = tone(44_100, 1, 300, 3000);
    const whole = convert(input, 44_100, 11_025, input.length);
    for (const chunk of [1, 7, 4099]) {
      expect(Array.from(convert(input, 44_100, 11_025, chunk))).toEqual(Array.from(whole));
    }
    const odd = convert(tone(48_000, 1, 300), 48_000, 11_025, input.length);
    expect(Array.from(convert(tone(48_000, 1, 300), 48_000, 11_025, 333))).toEqual(Array.from(odd));
  });
});
