import type { Layer, Quiz, Scene } from './spec.js';

/**
 * The trivia template: a quiz becomes an intro, then per question a question scene (read out), a
 * countdown (a draining bar and the seconds left), an answer reveal (the correct box changes colour)
 * and, after the last question, an outro. Scene lengths follow the narration when there is one.
 * Geometry scales with the frame. Pure.
 */

export interface Spoken {
  /** Seconds of each question's narration (question and answers), if spoken. */
  question?: number;
  /** Seconds of the reveal's narration, if spoken. */
  reveal?: number;
}

/** Where a spoken line plays: which scene, and how far into it. */
export interface Cue {
  scene: number;
  offset: number;
  line: string;
}

export interface TriviaTimeline {
  scenes: Scene[];
  cues: Cue[];
}

const LETTERS = ['A', 'B', 'C', 'D'];

export function questionLine(quiz: Quiz, k: number): string {
  const q = quiz.questions[k]!;
  return `Question ${k + 1}. ${q.question} ${q.answers.map((a, i) => `${LETTERS[i]}: ${a}.`).join(' ')}`;
}

export function revealLine(quiz: Quiz, k: number): string {
  const q = quiz.questions[k]!;
  return `The answer is ${LETTERS[q.correct]}: ${q.answers[q.correct]}.`;
}

export function triviaTimeline(
  quiz: Quiz,
  frame: { width: number; height: number },
  spoken: Spoken[] = [],
): TriviaTimeline {
  const { width: W, height: H } = frame;
  const c = quiz.colors;
  const font = quiz.font;
  const m = Math.round(W * 0.05);
  const logoSide = Math.round(H * 0.12);
  const logo: Layer[] = quiz.logo
    ? [
        {
          type: 'image',
          path: quiz.logo,
          x: W - m - logoSide,
          y: Math.round(H * 0.03),
          width: logoSide,
          height: logoSide,
          fit: 'fit',
          start: 0,
        },
      ]
    : [];
  const bg = { color: c.background, in: 0, fit: 'fill' as const };
  const text = (
    t: string,
    x: number,
    y: number,
    w: number,
    h: number,
    size: number,
    extra: Partial<Layer> = {},
  ): Layer =>
    ({
      type: 'text',
      text: t,
      font,
      size,
      color: c.text,
      x,
      y,
      width: w,
      height: h,
      align: 'center',
      valign: 'middle',
      start: 0,
      ...extra,
    }) as Layer;
  const scenes: Scene[] = [];
  const cues: Cue[] = [];
  const crossfade = { type: 'crossfade' as const, duration: 0.5 };

  scenes.push({
    duration: 3,
    background: bg,
    layers: [
      ...logo,
      text(quiz.title, m, Math.round(H * 0.25), W - 2 * m, Math.round(H * 0.4), Math.round(H * 0.12), {
        in: { effect: 'fade', duration: 0.6 },
      }),
    ],
    transition: crossfade,
  });

  const gap = Math.round(W * 0.02);
  const boxW = Math.floor((W - 2 * m - gap) / 2);
  const top = Math.round(H * 0.45);
  const boxH = Math.floor((Math.round(H * 0.93) - top - gap) / 2);
  const pad = Math.max(2, Math.round(boxH * 0.1));
  const n = quiz.questions.length;
  for (const [k, q] of quiz.questions.entries()) {
    const base = (revealed: boolean): Layer[] => [
      ...logo,
      text(
        `Question ${k + 1} of ${n}`,
        m,
        Math.round(H * 0.04),
        Math.round(W * 0.5),
        Math.round(H * 0.08),
        Math.round(H * 0.05),
        { align: 'left' },
      ),
      text(q.question, m, Math.round(H * 0.14), W - 2 * m, Math.round(H * 0.27), Math.round(H * 0.08)),
      ...q.answers.flatMap((answer, i): Layer[] => {
        const x = m + (i % 2) * (boxW + gap);
        const y = top + Math.floor(i / 2) * (boxH + gap);
        const fill = revealed && i === q.correct ? c.correct : c.primary;
        return [
          { type: 'box', x, y, width: boxW, height: boxH, color: fill, start: 0 },
          text(
            `${LETTERS[i]}: ${answer}`,
            x + pad,
            y + pad,
            boxW - 2 * pad,
            boxH - 2 * pad,
            Math.round(H * 0.06),
          ),
        ];
      }),
    ];
    const said = spoken[k] ?? {};
    const first = scenes.length;
    scenes.push({ duration: Math.max(3, (said.question ?? 0) + 0.8), background: bg, layers: base(false) });
    cues.push({ scene: first, offset: 0.3, line: questionLine(quiz, k) });
    const secs = quiz.countdownSeconds;
    const countdown: Layer[] = [
      ...base(false),
      {
        type: 'progress',
        x: m,
        y: Math.round(H * 0.955),
        width: W - 2 * m,
        height: Math.max(2, Math.round(H * 0.025)),
        color: c.correct,
        background: '#00000040',
        direction: 'drain',
        start: 0,
      },
      ...Array.from({ length: secs }, (_, s) =>
        text(
          String(secs - s),
          // Left of the logo, which holds the same top-right corner.
          W - m - (quiz.logo ? logoSide + Math.round(W * 0.02) : 0) - Math.round(W * 0.2),
          Math.round(H * 0.03),
          Math.round(W * 0.2),
          Math.round(H * 0.1),
          Math.round(H * 0.08),
          { align: 'right', start: s, end: s + 1 },
        ),
      ),
    ];
    scenes.push({ duration: secs, background: bg, layers: countdown });
    scenes.push({
      duration: Math.max(2.5, (said.reveal ?? 0) + 0.8),
      background: bg,
      layers: base(true),
      transition: crossfade,
    });
    cues.push({ scene: first + 2, offset: 0.2, line: revealLine(quiz, k) });
  }

  scenes.push({
    duration: 3,
    background: bg,
    layers: [
      ...logo,
      text(
        'Thanks for playing!',
        m,
        Math.round(H * 0.3),
        W - 2 * m,
        Math.round(H * 0.2),
        Math.round(H * 0.1),
        { in: { effect: 'slide-up', duration: 0.5 } },
      ),
      text(quiz.title, m, Math.round(H * 0.55), W - 2 * m, Math.round(H * 0.15), Math.round(H * 0.06)),
    ],
  });
  return { scenes, cues };
}

/**
 * The quiz field a template's text came from (`quiz.title`, `quiz.questions.K.question`,
 * `quiz.questions.K.answers.I`), so a check that fails on the scene the template made names the
 * field the user wrote (a new user's trial was pointed at `scenes.1.layers.1.text`). Pure.
 */
export function quizFieldOf(quiz: Quiz, text: string): string | undefined {
  if (text === quiz.title) return 'quiz.title';
  for (const [k, q] of quiz.questions.entries()) {
    if (text === q.question) return `quiz.questions.${k}.question`;
    const i = q.answers.findIndex((a, i) => text === `${LETTERS[i]}: ${a}`);
    if (i >= 0) return `quiz.questions.${k}.answers.${i}`;
  }
  return undefined;
}
