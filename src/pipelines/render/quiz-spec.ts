import * as z from 'zod';
import { show } from '../../errors.js';
import { filePath, intRange, nonEmpty } from '../schema.js';
import { color } from './color.js';
import { displayText } from './text-field.js';

/**
 * An espeak-ng voice name (`en`, `en-us`, `de+f3`, `mb-en1`): espeak-ng opens a voice given with
 * `/` or `..` as a file relative to its data folder, so a path would read any file on the machine.
 */
export const VOICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_+-]{0,49}$/;

function voiceError(issue: { input?: unknown }): string {
  return `expected \`voice\` to be an espeak-ng voice name (letters, digits, -, _ and +, at most 50), got ${show(issue.input)}`;
}

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
    /** espeak-ng voice (`espeak-ng --voices`): a name, never a path. */
    voice: z.string({ error: voiceError }).regex(VOICE_NAME, { error: voiceError }).default('en'),
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
