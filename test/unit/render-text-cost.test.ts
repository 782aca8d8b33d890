import { describe, expect, it } from 'vitest';
import { parseRenderSpec } from '../../src/pipelines/render/spec.js';
import { fitText, wrap } from '../../src/pipelines/render/text-layout.js';

// Validating a render spec lays out every text layer (does it fit its box?) on the server's event
// loop. Wrapping measured the whole line again for every word, and shrink-to-fit wrapped once per
// size from `size` down: 'a a a ...' (2000 characters) in a 7680x1 box cost 350 ms a layer, so one
// 1 MB request of such layers held the server (every other request too) for minutes.
describe('text layout costs time in proportion to the text', () => {
  const text = 'a '.repeat(1000);

  it('validates a spec of 50 worst-case text layers (the most text a spec holds) in well under the time one took before', () => {
    const layer = { type: 'text', text, size: 1000, x: 0, y: 0, width: 7680, height: 8 };
    const spec = { output: '/out/o.mp4', width: 7680, height: 4320, scenes: [{ duration: 1, layers: [] }] };
    const scenes = [{ duration: 1, layers: Array.from({ length: 50 }, () => layer) }];
    const started = performance.now();
    // Refused (the text cannot fit 8 px), but only after laying out each layer.
    expect(() => parseRenderSpec({ ...spec, scenes })).toThrow(/does not fit/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('lays out the same lines and size as before', () => {
    expect(wrap('aaa bbb ccc', 4.6)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('WWWWWWWWWW', 5.6)).toEqual(['WWWWW', 'WWWWW']);
    expect(wrap('日本語 ok', 2)).toEqual(['日本', '語', 'ok']);
    expect(fitText(text, 7680, 8, 1000)).toMatchObject({ size: 8, lineHeight: 10 });
    expect(fitText('hello world', 200, 100, 1000)).toEqual({
      size: 40,
      lineHeight: 50,
      lines: ['hello', 'world'],
    });
  });
});
