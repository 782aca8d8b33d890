/**
 * How much one render spec may hold. Validating a spec costs time on the server's event loop in
 * proportion to its layers and its text (every text layer is laid out to see that it fits), so a
 * body of the largest size the API takes must still be checked in a few tens of milliseconds. A
 * 50-question trivia video written out as scenes is about 150 scenes, 1,950 layers and 27,000
 * characters; typical ones are a tenth of that. A `quiz` (the trivia template) is laid out when its
 * scenes are made, each question's text in several scenes: its own budget keeps that as cheap.
 */
export const MAX_SCENES = 2000;
export const MAX_LAYERS_PER_SCENE = 200;
/** Layers in all scenes together. */
export const MAX_LAYERS = 2000;
/** Characters of all text layers together (each holds at most 2,000). */
export const MAX_TEXT_CHARS = 100_000;

/**
 * Seconds of all scenes together: 4 hours. Each scene may last an hour, and 2,000 scenes of an
 * hour at 8K and 120 fps (112 KB of JSON, found by an attacker's trial) asked one token holder's
 * request for 2,000 hours of video from the fleet.
 */
export const MAX_TIMELINE_SEC = 4 * 3600;

/** Characters of a quiz's title, questions and answers together (100 typical questions: ~18,000). */
export const MAX_QUIZ_CHARS = 30_000;

const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;

/**
 * Why a spec holds more than a render may, or undefined. Reads the value as posted (before any
 * schema runs, so an oversized body is refused after one cheap pass) and tolerates any shape:
 * what is not a list of scenes with lists of layers is left for the schema to name. Pure.
 */
export function renderBudgetProblem(spec: unknown): string | undefined {
  const quiz = quizChars((spec as { quiz?: unknown } | null | undefined)?.quiz);
  if (quiz > MAX_QUIZ_CHARS) {
    return `expected \`quiz\` to hold at most ${MAX_QUIZ_CHARS} characters of title, questions and answers, got ${quiz}`;
  }
  const scenes = (spec as { scenes?: unknown } | null | undefined)?.scenes;
  if (!Array.isArray(scenes)) return undefined;
  if (scenes.length > MAX_SCENES) {
    return `expected \`scenes\` to have at most ${MAX_SCENES} items, got ${items(scenes.length)}`;
  }
  let layers = 0;
  let chars = 0;
  let seconds = 0;
  for (const [i, scene] of scenes.entries()) {
    const duration = (scene as { duration?: unknown } | null | undefined)?.duration;
    if (typeof duration === 'number' && duration > 0) seconds += duration;
    const list = (scene as { layers?: unknown } | null | undefined)?.layers;
    if (!Array.isArray(list)) continue;
    if (list.length > MAX_LAYERS_PER_SCENE) {
      return `expected \`scenes.${i}.layers\` to have at most ${MAX_LAYERS_PER_SCENE} items, got ${items(list.length)}`;
    }
    layers += list.length;
    for (const layer of list) {
      const text = (layer as { text?: unknown } | null | undefined)?.text;
      if (typeof text === 'string') chars += text.length;
    }
  }
  if (layers > MAX_LAYERS) {
    return `expected \`scenes\` to have at most ${MAX_LAYERS} layers in all, got ${layers}`;
  }
  if (seconds > MAX_TIMELINE_SEC) {
    return `expected \`scenes\` to last at most ${MAX_TIMELINE_SEC} s (4 hours) in all, got ${Math.round(seconds)} s`;
  }
  if (chars > MAX_TEXT_CHARS) {
    return `expected the text layers to hold at most ${MAX_TEXT_CHARS} characters in all, got ${chars}`;
  }
  return undefined;
}

/** The characters of a quiz's texts, tolerating any shape (the schema names what is wrong). */
function quizChars(quiz: unknown): number {
  const q = quiz as { title?: unknown; questions?: unknown } | null | undefined;
  const length = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  let chars = length(q?.title);
  if (!Array.isArray(q?.questions)) return chars;
  for (const item of q.questions) {
    const { question, answers } = (item ?? {}) as { question?: unknown; answers?: unknown };
    chars += length(question);
    if (Array.isArray(answers)) for (const a of answers) chars += length(a);
  }
  return chars;
}
