/**
 * Wrapping and shrink-to-fit for text layers. Widths are estimated from the character classes (a
 * wide East Asian character is one em, anything else at most 0.6 em: DejaVu Sans averages about 0.55),
 * so a line is laid out no wider than its box in the fonts framefleet is tested with; the horizontal
 * alignment itself uses the rendered width (drawtext's text_w), so it is exact. Pure.
 */

export interface TextBlock {
  size: number;
  lineHeight: number;
  lines: string[];
}

const MIN_SIZE = 8;
const LINE_SPACING = 1.25;

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Width of one character in ems. */
function charEm(ch: string): number {
  // A tab advances to the next stop of 4 spaces: at most 4 spaces.
  return ch === ' ' ? 0.32 : ch === '\t' ? 1.28 : isWide(ch.codePointAt(0)!) ? 1 : 0.6;
}

/** Estimated width of `text` in ems. */
export function emWidth(text: string, from = 0): number {
  // Summed left to right from `from`: a line's width grown by one more word is exactly the width of
  // the longer line, without measuring the line again (which made wrapping quadratic).
  let width = from;
  for (const ch of text) width += charEm(ch);
  return width;
}

/** Breaks text into lines no wider than `maxEm`; words too long for a line are split by character. */
export function wrap(text: string, maxEm: number): string[] {
  const lines: string[] = [];
  // drawtext breaks lines at \r as well as \n (an old Mac's line ends, or \r\n).
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let line = '';
    let lineEm = 0;
    const start = (text: string) => {
      line = text;
      lineEm = emWidth(line);
      if (lineEm > maxEm) {
        const parts = splitChars(line, maxEm);
        lines.push(...parts.slice(0, -1));
        line = parts.at(-1) ?? '';
        lineEm = emWidth(line);
      }
    };
    for (const token of tokens(paragraph)) {
      if (line === '') start(token.trimStart());
      else {
        const candidateEm = emWidth(token, lineEm);
        if (candidateEm <= maxEm) {
          line += token;
          lineEm = candidateEm;
        } else {
          lines.push(line.trimEnd());
          start(token.trimStart());
        }
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Words with their leading space; each wide character is a word of its own (CJK has no spaces). */
function tokens(paragraph: string): string[] {
  const out: string[] = [];
  for (const match of paragraph.matchAll(/\s*[^\s]+/gu)) {
    const word = match[0];
    if ([...word].some((c) => isWide(c.codePointAt(0)!))) {
      let pending = '';
      for (const ch of word) {
        if (isWide(ch.codePointAt(0)!)) {
          if (pending) out.push(pending);
          out.push(ch);
          pending = '';
        } else pending += ch;
      }
      if (pending) out.push(pending);
    } else out.push(word);
  }
  return out;
}

function splitChars(word: string, maxEm: number): string[] {
  const parts: string[] = [];
  let part = '';
  let partEm = 0;
  for (const ch of word) {
    if (part !== '' && partEm + charEm(ch) > maxEm) {
      parts.push(part);
      part = '';
      partEm = 0;
    }
    part += ch;
    partEm += charEm(ch);
  }
  parts.push(part);
  return parts;
}

/**
 * The largest size up to `maxSize` at which the wrapped text fits a width x height box, with no
 * word split across lines where any size allows that ("Megalodon" shrinks to fit its answer box
 * rather than becoming "Megalod" / "on"); a word too long for the box even at the smallest size
 * (a long URL) is split at the largest size that fits instead.
 */
export function fitText(text: string, width: number, height: number, maxSize: number): TextBlock {
  const longestWord = Math.max(
    0,
    ...text.split(/\r\n|\r|\n/).flatMap((p) => tokens(p).map((t) => emWidth(t.trimStart()))),
  );
  return fitFrom(text, width, height, maxSize, longestWord) ?? fitFrom(text, width, height, maxSize, 0)!;
}

/** fitText's search; with `wordEm`, a size only fits when a word that wide fits on one line. */
function fitFrom(
  text: string,
  width: number,
  height: number,
  maxSize: number,
  wordEm: number,
): TextBlock | undefined {
  let size = maxSize;
  // Sizes whose one line is taller than the box cannot fit (there is always a line): skipped unwrapped.
  while (size > MIN_SIZE && Math.round(size * LINE_SPACING) > height) size = next(size);
  for (;;) {
    const lines = wrap(text, width / size);
    const lineHeight = Math.round(size * LINE_SPACING);
    const fits =
      lines.length * lineHeight <= height &&
      lines.every((l) => emWidth(l) * size <= width) &&
      wordEm * size <= width;
    if (fits || (size <= MIN_SIZE && wordEm === 0)) return { size, lineHeight, lines };
    if (size <= MIN_SIZE) return undefined;
    size = next(size);
  }
}

function next(size: number): number {
  return Math.max(MIN_SIZE, Math.floor(size * 0.92));
}

/**
 * Why a text cannot be drawn inside its box, or undefined when it fits: at the smallest size its
 * lines would run past the box (and the frame) instead. Pure.
 */
export function overflow(text: string, width: number, height: number, maxSize: number): string | undefined {
  const block = fitText(text, width, height, maxSize);
  const tall = block.lines.length * block.lineHeight;
  const wide = Math.max(...block.lines.map((l) => emWidth(l) * block.size));
  if (tall <= height && wide <= width) return undefined;
  return `text of ${[...text].length} characters does not fit its ${width}x${height} rectangle even at ${block.size} px (${block.lines.length} lines, ${Math.round(wide)}x${tall} px): make the rectangle larger or the text shorter`;
}
