import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FramefleetError } from '../../src/errors.js';
import { sceneFrames } from '../../src/pipelines/render/layout.js';
import { sceneStarts } from '../../src/pipelines/render/plan.js';
import { renderJsonSchema } from '../../src/pipelines/render/spec-json-schema.js';
import { parseRenderSpec, templateScenesSchema } from '../../src/pipelines/render/spec.js';
import { MAX_LAYERS } from '../../src/pipelines/render/spec-budget.js';
import { emWidth, fitText, wrap } from '../../src/pipelines/render/text-layout.js';
import { triviaTimeline } from '../../src/pipelines/render/trivia.js';

const text = { type: 'text', text: 'Hello', x: 10, y: 10, width: 200, height: 50 };
const base = {
  output: '/tmp/out.mp4',
  width: 320,
  height: 240,
  fps: 10,
  scenes: [{ duration: 2, layers: [text] }],
};

function rejection(spec: unknown): FramefleetError {
  try {
    parseRenderSpec(spec);
  } catch (error) {
    if (error instanceof FramefleetError) return error;
    throw error;
  }
  throw new Error('the spec was accepted');
}

describe('render spec', () => {
  it('accepts a timeline and fills defaults', () => {
    const spec = parseRenderSpec(base);
    expect(spec.scenes![0]!.background.color).toBe('#000000');
    expect(spec.scenes![0]!.layers[0]).toMatchObject({ font: 'DejaVu Sans', align: 'center', start: 0 });
  });

  it.each([
    ['a number written as a string', { ...base, width: '640' }, 'got the string `640`'],
    ['a missing number', { ...base, scenes: [{ layers: [] }] }, 'got nothing (it is missing)'],
    [
      'a missing layer coordinate',
      { ...base, scenes: [{ duration: 1, layers: [{ ...text, x: undefined }] }] },
      'got nothing (it is missing)',
    ],
    ['a number where a number is wanted', { ...base, fps: 0 }, 'got `0`'],
    [
      'two answers',
      {
        output: '/tmp/o.mp4',
        template: 'trivia',
        quiz: { title: 'T', questions: [{ question: 'Q', answers: ['a', 'b'], correct: 0 }] },
      },
      'expected exactly 4 answers, got 2',
    ],
  ])('says what a bad value is: %s', (_name, spec, shown) => {
    expect(rejection(spec).message).toContain(shown);
  });

  // Found in the trial: zod's own words ("Too small: expected array to have >=1 items"), `null` for
  // a missing field, and short hex colours refused.
  it.each([
    [
      'an empty scenes list',
      { ...base, scenes: [] },
      'invalid render spec at scenes: expected `scenes` to have at least 1 item, got an empty list',
    ],
    [
      'a quiz without a title',
      { output: '/tmp/o.mp4', template: 'trivia', quiz: { questions: [] } },
      'invalid render spec at quiz.title: expected `title` to be a non-empty string, got nothing (it is missing)',
    ],
    [
      'a quiz with no questions',
      { output: '/tmp/o.mp4', template: 'trivia', quiz: { title: 'T', questions: [] } },
      'invalid render spec at quiz.questions: expected `questions` to have at least 1 item, got an empty list',
    ],
    [
      'a scene that is not an object',
      { ...base, scenes: ['intro'] },
      'invalid render spec at scenes.0: expected `scenes[0]` to be an object, got `intro`',
    ],
    [
      'a colour name',
      { ...base, scenes: [{ duration: 1, background: { color: 'red' } }] },
      'invalid render spec at scenes.0.background.color: expected `color` to be a colour #RRGGBB, #RRGGBBAA, #RGB or #RGBA, got `red`',
    ],
    [
      'a missing box colour',
      { ...base, scenes: [{ duration: 1, layers: [{ type: 'box', x: 0, y: 0, width: 8, height: 8 }] }] },
      'invalid render spec at scenes.0.layers.0.color: expected `color` to be a colour #RRGGBB, #RRGGBBAA, #RGB or #RGBA, got nothing (it is missing)',
    ],
    // A new user's trial: 20 scenes of 0.04 s at 10 fps became 20 frames (2 s for 0.8 s of timeline).
    [
      'a scene shorter than one frame',
      { ...base, scenes: [{ duration: 1 }, { duration: 0.04 }] },
      'invalid render spec at scenes.1.duration: scene of 0.04 s is shorter than one frame at 10 fps (0.1 s): make it longer or the frame rate higher',
    ],
  ])('says it in one line, naming the field and the value: %s', (_name, spec, message) => {
    expect(rejection(spec).message).toBe(message);
  });

  it('takes #RGB and #RGBA colours as #RRGGBB and #RRGGBBAA, in scenes and in a quiz', () => {
    const spec = parseRenderSpec({
      ...base,
      scenes: [{ duration: 2, background: { color: '#0A3' }, layers: [{ ...text, color: '#fff8' }] }],
    });
    expect(spec.scenes![0]!.background.color).toBe('#00AA33');
    expect(spec.scenes![0]!.layers[0]).toMatchObject({ color: '#ffffff88' });
    const quiz = parseRenderSpec({
      output: '/tmp/o.mp4',
      template: 'trivia',
      quiz: {
        title: 'T',
        questions: [{ question: 'Q', answers: ['a', 'b', 'c', 'd'], correct: 0 }],
        colors: { background: '#000', primary: '#123', correct: '#0f0', text: '#fffc' },
      },
    });
    expect(quiz.quiz!.colors).toEqual({
      background: '#000000',
      primary: '#112233',
      correct: '#00ff00',
      text: '#ffffffcc',
    });
  });

  it.each([
    ['a missing field', { ...base, scenes: [{ layers: [] }] }, 'scenes.0.duration'],
    ['a zero duration', { ...base, scenes: [{ duration: 0 }] }, 'scenes.0.duration'],
    ['a negative duration', { ...base, scenes: [{ duration: -1 }] }, 'scenes.0.duration'],
    ['an unknown template', { output: '/tmp/o.mp4', template: 'karaoke', quiz: {} }, 'template'],
    [
      'a text layer outside the frame',
      { ...base, scenes: [{ duration: 2, layers: [{ ...text, x: 200 }] }] },
      'scenes.0.layers.0',
    ],
    [
      'a layer ending after its scene',
      { ...base, scenes: [{ duration: 2, layers: [{ ...text, end: 3 }] }] },
      'scenes.0.layers.0.end',
    ],
    [
      'a bad colour',
      { ...base, scenes: [{ duration: 2, layers: [{ ...text, color: 'red' }] }] },
      'scenes.0.layers.0.color',
    ],
    [
      'a quiz with three answers',
      {
        output: '/tmp/o.mp4',
        template: 'trivia',
        quiz: { title: 't', questions: [{ question: 'q', answers: ['a', 'b', 'c'], correct: 0 }] },
      },
      'quiz.questions.0.answers',
    ],
    [
      'a crossfade longer than half a scene',
      {
        ...base,
        scenes: [{ duration: 1, transition: { type: 'crossfade', duration: 0.8 } }, { duration: 2 }],
      },
      'scenes.0.transition.duration',
    ],
    ['an odd width (yuv420p needs even sizes)', { ...base, width: 321 }, 'width'],
    ['an odd height', { ...base, height: 241 }, 'height'],
    ['neither scenes nor a template', { output: '/tmp/o.mp4' }, 'scenes'],
    // drawtext ends the text at a NUL and breaks lines at \f and \v, which the layout does not know.
    [
      'a NUL in text',
      { ...base, scenes: [{ duration: 2, layers: [{ ...text, text: 'a\u0000b' }] }] },
      'scenes.0.layers.0.text',
    ],
    [
      'a form feed in text',
      { ...base, scenes: [{ duration: 2, layers: [{ ...text, text: 'a\fb' }] }] },
      'scenes.0.layers.0.text',
    ],
    [
      'a lone surrogate in text',
      { ...base, scenes: [{ duration: 2, layers: [{ ...text, text: 'a\ud800' }] }] },
      'scenes.0.layers.0.text',
    ],
    [
      'a control character in a quiz answer',
      {
        output: '/tmp/o.mp4',
        template: 'trivia',
        quiz: {
          title: 't',
          questions: [{ question: 'q', answers: ['a', 'b\u001b[2J', 'c', 'd'], correct: 0 }],
        },
      },
      'quiz.questions.0.answers.1',
    ],
  ])('rejects %s with its JSON path', (_name, spec, path) => {
    const error = rejection(spec);
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toContain(`at ${path}:`);
  });

  it('publishes the JSON Schema file it validates with', async () => {
    const file = JSON.parse(await readFile('schemas/render-spec.schema.json', 'utf8')) as unknown;
    expect(file).toEqual(renderJsonSchema());
  });

  // The README tells editors to find the schema through `"$schema"` in the spec file itself, and
  // that file gets its output from `render -o`: both were refused (`Unrecognized key: "$schema"`,
  // and an editor asked for `output`).
  it('takes the `$schema` key the README puts in a spec file, and drops it', () => {
    const spec = parseRenderSpec({
      $schema: './schemas/render-spec.schema.json',
      output: '/tmp/o.mp4',
      scenes: [{ duration: 1 }],
    });
    expect(spec).not.toHaveProperty('$schema');
    const schema = renderJsonSchema() as { properties: Record<string, unknown>; required?: string[] };
    expect(schema.properties).toHaveProperty('$schema');
    expect(schema.required ?? []).not.toContain('output');
  });
});

describe('render text layout', () => {
  it('wraps inside the width and shrinks to fit the height', () => {
    const long = 'Which of these rivers flows through the most countries on its way to the sea?';
    const block = fitText(long, 300, 60, 40);
    expect(block.size).toBeLessThan(40);
    expect(block.lines.length * block.lineHeight).toBeLessThanOrEqual(60);
    for (const line of block.lines) expect(emWidth(line) * block.size).toBeLessThanOrEqual(300);
    expect(block.lines.join(' ')).toBe(long);
  });

  // A 9:16 trivia's answer boxes (128x120 text at 38 px) showed "C: Megalod" / "on shark" and
  // "D: Brachio" / "saurus": words were split at the largest size rather than shrunk to fit.
  it.each([
    ['C: Megalodon shark', ['C:', 'Megalodon', 'shark']],
    ['D: Brachiosaurus', ['D:', 'Brachiosaurus']],
  ])('shrinks %j until no word is split', (text, lines) => {
    const block = fitText(text, 128, 120, 38);
    expect(block.lines).toEqual(lines);
    for (const line of block.lines) expect(emWidth(line) * block.size).toBeLessThanOrEqual(128);
  });

  it('splits a word too long for the box even at 8 px, at the largest size that fits', () => {
    const url = 'https://example.com/a/very/long/path/without/any/spaces/at/all/in/it';
    const block = fitText(url, 100, 100, 40);
    expect(block.lines.length).toBeGreaterThan(1);
    expect(block.size).toBeGreaterThan(8);
    expect(block.lines.join('')).toBe(url);
  });

  // Whole words cost the whole caption its size when one word is far too long for the box: a URL
  // that fits one line only at 9 px took a readable caption down with it.
  it('splits a long word rather than shrink the text below half the size splitting allows', () => {
    const caption = 'Read the full story at https://example.com/news/2026/12/a-long-story-slug';
    const block = fitText(caption, 300, 400, 48);
    expect(block.size).toBeGreaterThanOrEqual(40);
    expect(block.lines.join('').replace(/ /g, '')).toBe(caption.replace(/ /g, ''));
  });

  it('breaks text without spaces (CJK) between characters', () => {
    const lines = wrap('日本の首都はどこですか', 4);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('')).toBe('日本の首都はどこですか');
  });

  it('breaks lines where drawtext does: \\n, \\r\\n and a lone \\r', () => {
    expect(wrap('one\rtwo\r\nthree\nfour', 100)).toEqual(['one', 'two', 'three', 'four']);
  });

  // A text too long was said to be "expected `text` to be a non-empty string".
  it('says a text is too long, with its length', () => {
    const layer = { ...text, text: 'x'.repeat(2001) };
    const error = rejection({ ...base, scenes: [{ duration: 2, layers: [layer] }] });
    expect(error.message).toContain(
      'at scenes.0.layers.0.text: expected `text` to be at most 2000 characters, got 2001',
    );
  });

  // At the smallest size the lines ran past the rectangle, over the rest of the frame and off it.
  it('refuses a text that does not fit its rectangle even at the smallest size', () => {
    const words = Array.from({ length: 250 }, (_, i) => `word${i}`).join(' ');
    const layer = { ...text, text: words, x: 0, y: 0, width: 320, height: 60 };
    const error = rejection({ ...base, scenes: [{ duration: 2, layers: [layer] }] });
    expect(error.message).toMatch(
      /at scenes\.0\.layers\.0\.text: text of 1889 characters does not fit its 320x60 rectangle even at 8 px \(\d+ lines/,
    );
    // A sixth of it fits, shrunk.
    expect(() =>
      parseRenderSpec({
        ...base,
        scenes: [{ duration: 2, layers: [{ ...layer, text: words.slice(0, 320) }] }],
      }),
    ).not.toThrow();
  });

  it('accepts tabs, line breaks, emoji and right-to-left text', () => {
    const layer = { ...text, text: 'a\tb\r\nשלום مرحبا 😀' };
    expect(() => parseRenderSpec({ ...base, scenes: [{ duration: 2, layers: [layer] }] })).not.toThrow();
  });
});

describe('trivia timeline', () => {
  const quiz = parseRenderSpec({
    output: '/tmp/o.mp4',
    template: 'trivia',
    quiz: {
      title: 'T',
      countdownSeconds: 3,
      questions: [1, 2].map((n) => ({ question: `Q${n}?`, answers: ['a', 'b', 'c', 'd'], correct: n })),
    },
  }).quiz!;

  it('makes intro, question, countdown, reveal per question, outro; lengths follow narration', () => {
    const { scenes, cues } = triviaTimeline(quiz, { width: 640, height: 360 }, [
      { question: 6.2, reveal: 1 },
      {},
    ]);
    expect(scenes).toHaveLength(2 + 3 * 2);
    expect(scenes[1]!.duration).toBeCloseTo(7);
    expect(scenes[2]!.duration).toBe(3);
    expect(scenes[4]!.duration).toBe(3);
    expect(cues.map((c) => c.scene)).toEqual([1, 3, 4, 6]);
    const reveal = scenes[3]!.layers
      .filter((l) => l.type === 'box')
      .map((l) => (l as { color: string }).color);
    expect(reveal.filter((c) => c === quiz.colors.correct)).toHaveLength(1);
    expect(reveal.indexOf(quiz.colors.correct)).toBe(1);
  });

  // The spec budget (2,000 layers) is for what a client writes: a 100-question quiz makes 3,900
  // layers, which the plan checks like written scenes, all but the budget.
  it("holds a template's scenes to every check but the spec budget", () => {
    const long = parseRenderSpec({
      output: '/tmp/o.mp4',
      template: 'trivia',
      quiz: {
        title: 'T',
        questions: Array.from({ length: 100 }, (_, n) => ({
          question: `Q${n}?`,
          answers: ['a', 'b', 'c', 'd'],
          correct: n % 4,
        })),
      },
    }).quiz!;
    const { scenes } = triviaTimeline(long, { width: 640, height: 360 });
    const spec = { output: '/tmp/o.mp4', width: 640, height: 360, scenes };
    expect(scenes.reduce((n, s) => n + s.layers.length, 0)).toBeGreaterThan(MAX_LAYERS);
    expect(templateScenesSchema.safeParse(spec).success).toBe(true);
    expect(rejection(spec).message).toContain(`at most ${MAX_LAYERS} layers in all`);
  });

  it('places scenes on a timeline shortened by crossfades', () => {
    const { scenes } = triviaTimeline(quiz, { width: 640, height: 360 });
    const { frames, overlaps } = sceneFrames(scenes, 10);
    const starts = sceneStarts(scenes, 10);
    expect(overlaps[0]).toBe(5);
    expect(starts[1]).toBeCloseTo((frames[0]! - 5) / 10);
  });
});

describe('trivia countdown with a logo', () => {
  // The seconds left were drawn right-aligned in the top-right corner, over the logo there.
  it.each([
    [640, 360],
    [1280, 720],
    [720, 1280],
  ])('keeps the seconds left clear of the logo at %ix%i', (width, height) => {
    const quiz = parseRenderSpec({
      output: '/tmp/o.mp4',
      template: 'trivia',
      quiz: {
        title: 'T',
        logo: '/tmp/logo.png',
        countdownSeconds: 3,
        questions: [{ question: 'Q?', answers: ['a', 'b', 'c', 'd'], correct: 0 }],
      },
    }).quiz!;
    const countdown = triviaTimeline(quiz, { width, height }).scenes[2]!.layers;
    const logo = countdown.find((l) => l.type === 'image')!;
    const seconds = countdown.filter((l) => l.type === 'text' && /^\d+$/.test(l.text));
    expect(seconds).toHaveLength(3);
    for (const s of seconds) expect(s.x + s.width).toBeLessThanOrEqual(logo.x);
  });
});
