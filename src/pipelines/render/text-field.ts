import { show } from '../../errors.js';
import { nonEmpty } from '../schema.js';

/**
 * Characters drawtext cannot draw as the spec means them: control characters but tab and line
 * breaks (it ends the text at a NUL and breaks lines at \f and \v, which the layout does not
 * know), and a lone surrogate (not a character at all).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNDRAWABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;

/** A string drawn as text (a text layer, a quiz's title, questions and answers). */
export function displayText(name: string, max: number) {
  return nonEmpty(name)
    .max(max)
    .superRefine((value, ctx) => {
      const match = UNDRAWABLE.exec(value);
      if (!match) return;
      const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      ctx.addIssue({
        code: 'custom',
        message: `expected ${show(name)} without control characters (line breaks and tabs are allowed), got U+${code} at character ${[...value.slice(0, match.index)].length + 1} of ${show(value)}`,
      });
    });
}
