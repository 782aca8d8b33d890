import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingGlyphs, parseCharset, resolveFont } from '../../src/pipelines/render/fonts.js';
import { wavDuration } from '../../src/media/wav-pcm.js';
import { pieceFrames, pieceRuns } from '../../src/pipelines/render/layout.js';
import { isCrossfade } from '../../src/pipelines/render/payloads.js';
import { sceneGraph } from '../../src/pipelines/render/scene-graph.js';
import { parseRenderSpec, type Scene } from '../../src/pipelines/render/spec.js';

const text = { type: 'text', text: 'Hi', x: 10, y: 10, width: 100, height: 40 };
function scenes(durations: number[], crossfade = 0): Scene[] {
  const spec = parseRenderSpec({
    output: '/tmp/out.mp4',
    width: 320,
    height: 240,
    fps: 10,
    scenes: durations.map((duration, i) => ({
      duration,
      layers: [text],
      ...(crossfade && i < durations.length - 1
        ? { transition: { type: 'crossfade', duration: crossfade } }
        : {}),
    })),
  });
  return spec.scenes!;
}

describe('render layout', () => {
  it.each([
    // seconds of each scene, crossfade seconds, minimum run in frames -> frames of each run
    { durations: [3, 3, 3], fade: 0, min: 80, runs: [90] },
    { durations: [3, 3, 3, 3], fade: 0, min: 50, runs: [60, 60] },
    { durations: [20, 20], fade: 0, min: 80, runs: [200, 200] },
    { durations: [20, 2, 2, 20], fade: 0.5, min: 80, runs: [195, 35, 195] },
    { durations: [2, 2, 20, 2], fade: 0.5, min: 80, runs: [35, 190, 20] },
  ])('runs of $durations (crossfade $fade) at >= $min frames: $runs', ({ durations, fade, min, runs }) => {
    const timeline = scenes(durations, fade);
    const got = pieceRuns(timeline, 10, min);
    expect(got.map((r) => r.reduce((s, p) => s + pieceFrames(p), 0))).toEqual(runs);
    // Every piece once, in order: the frames add up to the timeline's.
    const pieces = got.flat();
    expect(pieces.filter((p) => !isCrossfade(p)).map((p) => ('sceneIndex' in p ? p.sceneIndex : -1))).toEqual(
      durations.map((_, i) => i),
    );
  });

  it('draws a still scene once and repeats it; motion stays per frame', () => {
    const [still] = scenes([2]);
    const res = { local: (p: string) => p, font: () => '/f.ttf', textDir: '/t' };
    const a = sceneGraph(still!, { width: 320, height: 240, fps: 10 }, { from: 0, to: 20 }, res, 's', 0);
    expect(a.chains.join(';')).toContain('loop=loop=19:size=1');
    const moving = {
      ...still!,
      layers: [{ ...still!.layers[0]!, in: { effect: 'fade' as const, duration: 1 } }],
    };
    const b = sceneGraph(moving, { width: 320, height: 240, fps: 10 }, { from: 0, to: 20 }, res, 's', 0);
    // The background is still: composed once, then the fading text is drawn on each frame.
    expect(b.chains.join(';')).toMatch(/loop=loop=19:size=1.*drawtext/);
  });

  it('reads a narration WAV duration from its header', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ff-wav-duration-'));
    const wav = (dataSize: number, samples: number) => {
      const head = Buffer.alloc(44);
      head.write('RIFF', 0);
      head.write('WAVE', 8);
      head.write('fmt ', 12);
      head.writeUInt32LE(16, 16);
      head.writeUInt16LE(1, 20); // PCM
      head.writeUInt16LE(1, 22); // mono
      head.writeUInt32LE(22_050, 24);
      head.writeUInt32LE(22_050 * 2, 28); // byte rate: 16-bit mono at 22.05 kHz
      head.writeUInt16LE(2, 32);
      head.writeUInt16LE(16, 34);
      head.write('data', 36);
      head.writeUInt32LE(dataSize, 40);
      return Buffer.concat([head, Buffer.alloc(samples * 2)]);
    };
    try {
      await writeFile(join(dir, 'a.wav'), wav(44_100, 22_050));
      expect(await wavDuration(join(dir, 'a.wav'))).toBe(1);
      // A streamed writer's unset size: the rest of the file.
      await writeFile(join(dir, 'b.wav'), wav(0xffffffff, 11_025));
      expect(await wavDuration(join(dir, 'b.wav'))).toBe(0.5);
      await writeFile(join(dir, 'c.wav'), 'not a wav file at all');
      expect(await wavDuration(join(dir, 'c.wav'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('glyph coverage', () => {
  it('reads fontconfig charsets and names the characters a real font lacks', async () => {
    expect(parseCharset('20-7e a0-17f 3a9\nignored')).toEqual([
      [0x20, 0x7e],
      [0xa0, 0x17f],
      [0x3a9, 0x3a9],
    ]);
    expect(parseCharset('')).toBeUndefined();
    const file = await resolveFont('DejaVu Sans');
    expect(await missingGlyphs(file, 'Café Ωmega, naïve')).toEqual([]);
    expect(await missingGlyphs(file, 'Quiz 中文 中 ok')).toEqual(['中', '文']);
  });
});
