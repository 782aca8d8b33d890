import { describe, expect, it } from 'vitest';
import { analysisProgress } from '../../src/cli/analysis-progress.js';

/** A stderr that records what is written to it, a terminal or not. */
function stream(isTTY: boolean) {
  const written: string[] = [];
  const out = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { out, written };
}

// `analyze scenes` of a 10-minute file was silent for 17 s, a film's for minutes.
describe('analysisProgress', () => {
  it('on a terminal: a live line at most twice a second, with an ETA, cleared at the end', () => {
    const { out, written } = stream(true);
    let t = 0;
    const p = analysisProgress('/media/film.mp4', {}, out, () => t);
    t = 200;
    p.onProgress!(0.01);
    t = 600;
    p.onProgress!(0.1);
    t = 700;
    p.onProgress!(0.12);
    t = 1200;
    p.onProgress!(0.2);
    p.done();
    expect(written).toEqual([
      '\r 10.0%  scenes film.mp4 ETA 5s\x1b[K',
      '\r 20.0%  scenes film.mp4 ETA 5s\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('in a log: a plain line every 10 s; none with --json or -q', () => {
    const { out, written } = stream(false);
    let t = 0;
    const p = analysisProgress('film.mp4', {}, out, () => t);
    for (t = 1000; t <= 25_000; t += 1000) p.onProgress!(t / 50_000);
    p.done();
    expect(written).toEqual([' 20.0%  scenes film.mp4 ETA 40s\n', ' 40.0%  scenes film.mp4 ETA 30s\n']);
    for (const flags of [{ json: true }, { quiet: true }]) {
      const silent = stream(true);
      const q = analysisProgress('film.mp4', flags, silent.out, () => 0);
      expect(q.onProgress).toBeUndefined();
      q.done();
      expect(silent.written).toEqual([]);
    }
  });
});
