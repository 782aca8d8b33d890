import * as z from 'zod';
import { filePath, intRange, nonEmpty } from '../schema.js';
import { color } from './color.js';
import { displayText } from './text-field.js';

/** The trivia template's data: a quiz (see trivia.ts for the scenes it becomes). */
const answersSchema = z.array(displayText('answer', 300)).length(4, {
  error: (issue) =>
    `expected exactly 4 answers, got ${Array.isArray(issue.input) ? issue.input.length : '?'}`,
});

export const quizSchema = z
  .object({
    title: displayText('title', 300),
    questions: z
      .array(
        z
          .object({
            question: displayText('question', 1000),
            answers: answersSchema,
            correct: intRange('correct', 0, 3),
          })
          .strict(),
      )
      .min(1)
      .max(100),
    /** espeak-ng voice (`espeak-ng --voices`). */
    voice: nonEmpty('voice').max(50).default('en'),
    /** Words per minute of the narration. */
    speed: intRange('speed', 80, 450).default(170),
    countdownSeconds: intRange('countdownSeconds', 1, 30).default(5),
    colors: z
      .object({
        background: color('background').default('#1b1f3a'),
        primary: color('primary').default('#2f6fde'),
        correct: color('correct').default('#1fa34a'),
        text: color('text').default('#ffffff'),
      })
      .strict()
      .default({ background: '#1b1f3a', primary: '#2f6fde', correct: '#1fa34a', text: '#ffffff' }),
    logo: filePath('logo').optional(),
    font: nonEmpty('font').max(200).default('DejaVu Sans'),
  })
  .strict();

export type Quiz = z.output<typeof quizSchema>;
