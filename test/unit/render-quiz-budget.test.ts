import { describe, expect, it } from 'vitest';
import { MAX_QUIZ_CHARS } from '../../src/pipelines/render/spec-budget.js';
import { parseRenderSpec } from '../../src/pipelines/render/spec.js';

// The trivia template's scenes are laid out when they are made, every question's text in several
// scenes: 100 questions of 1,000 + 4 x 300 characters (a 220 KB body) made 657,000 characters of
// text layers, half a second of the server's event loop per job, past every written-scene budget.
describe('what a quiz may hold', () => {
  const quiz = (question: string, answer: string, count: number) => ({
    output: '/tmp/o.mp4',
    template: 'trivia',
    quiz: {
      title: 'Quiz',
      questions: Array.from({ length: count }, () => ({
        question,
        answers: [answer, answer, answer, answer],
        correct: 1,
      })),
    },
  });

  it('takes 100 typical questions', () => {
    const spec = parseRenderSpec(quiz('Which planet is known as the red planet?', 'Jupiter', 100));
    expect(spec.quiz?.questions).toHaveLength(100);
  });

  it('refuses more text than the budget, naming the total', () => {
    expect(() => parseRenderSpec(quiz('q'.repeat(1000), 'a'.repeat(300), 100))).toThrow(
      `invalid render spec at quiz: expected \`quiz\` to hold at most ${MAX_QUIZ_CHARS} characters of title, questions and answers, got 220004`,
    );
  });
});
