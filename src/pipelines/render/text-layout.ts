/**
 * Wrapping and shrink-to-fit for text layers. Widths are estimated per character from DejaVu Sans,
 * the default font: the wider of its regular and bold advance for printable ASCII (W 1.1 em in
 * bold, i 0.34), an accented letter as its base letter, a wide East Asian character as one em and
 * 0.75 em for anything else (0.6 em for every narrow character drew "WOMEN WHO" at 48 px past both
 * edges of a 320 px frame). Most sans fonts are narrower, so lines fit their box in them too; the
 * horizontal alignment uses the rendered width (drawtext's text_w), so it is exact. Pure.
 */

export interface TextBlock {
  size: number;
  lineHeight: number;
  lines: string[];
}

const MIN_SIZE = 8;
const LINE_SPACING = 1.25;
const SPACE = /\s/u;

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

/**
 * Advances of ' ' to '~' in thousandths of an em: DejaVu Sans and DejaVu Sans Bold's hmtx (2048
 * units to the em), the wider of the two for each character.
 */
const ASCII_EM = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
  696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
  372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
  500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
  478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
].map((m) => m / 1000);
const OTHER_EM = 0.75;
const COMBINING = /\p{M}/gu;

/** Width of one character in ems. */
function charEm(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (code >= 0x20 && code < 0x7f) return ASCII_EM[code - 0x20]!;
  // A tab advances to the next stop of 4 spaces: at most 4 spaces.
  if (ch === '\t') return 4 * ASCII_EM[0]!;
  if (isWide(code)) return 1;
  // "É" is as wide as "E"; Æ, Œ and the like have no base letter and count as OTHER_EM.
  const base = ch.normalize('NFD').replace(COMBINING, '');
  const b = base.length === 1 ? base.charCodeAt(0) : 0;
  return b >= 0x20 && b < 0x7f ? ASCII_EM[b - 0x20]! : OTHER_EM;
}

/** Estimated width of `text` in ems. */
export function emWidth(text: string, from = 0): number {
  let width = from;
  for (const ch of text) width += charEm(ch);
  return width;
}

/** True for what `\s` matches (the whitespace trim() drops), ASCII answered without a regex. */
function isSpace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 128 ? code === 32 || (code >= 9 && code <= 13) : SPACE.test(ch);
}

/**
 * A paragraph measured once: its characters with their widths, and its words as ranges of them, so
 * wrapping it at one size after another costs additions, not measuring. Widths are always summed
 * left to right from where the line stands, exactly as measuring the line again would.
 */
interface Paragraph {
  chars: string[];
  ems: number[];
  /** A word with its leading whitespace, [start, end); each wide character is a word of its own. */
  words: { start: number; end: number; lead: number; text: string }[];
}

/** Paragraphs (drawtext breaks lines at \n, \r\n and \r), each split into words. */
function tokenize(text: string): Paragraph[] {
  return text.split(/\r\n|\r|\n/).map((paragraph) => {
    const chars = [...paragraph];
    const ems = chars.map(charEm);
    const space = chars.map(isSpace);
    const words: Paragraph['words'] = [];
    const word = (start: number, end: number, lead: number) =>
      words.push({ start, end, lead, text: chars.slice(start, end).join('') });
    // Whitespace then non-whitespace; whitespace at the end belongs to no word (it is never drawn).
    for (let i = 0; i < chars.length;) {
      let j = i;
      while (j < chars.length && space[j]) j++;
      if (j === chars.length) break;
      let k = j;
      while (k < chars.length && !space[k]) k++;
      // CJK has no spaces: each wide character stands alone, the leading space with what precedes it.
      let from = i;
      for (let m = j; m < k; m++) {
        if (!isWide(chars[m]!.codePointAt(0)!)) continue;
        if (m > from) word(from, m, from === i ? j - i : 0);
        word(m, m + 1, 0);
        from = m + 1;
      }
      if (from < k) word(from, k, from === i ? j - i : 0);
      i = k;
    }
    return { chars, ems, words };
  });
}

/** Lines no wider than `maxEm`, each with its width; words too long for a line are split by character. */
function wrapTokens(paragraphs: Paragraph[], maxEm: number): { lines: string[]; ems: number[] } {
  const lines: string[] = [];
  const lineEms: number[] = [];
  for (const { chars, ems, words } of paragraphs) {
    let line = '';
    let lineEm = 0;
    // The width of the line without trailing whitespace (what is drawn).
    let inkEm = 0;
    const push = () => (lines.push(line.trimEnd()), lineEms.push(inkEm));
    const start = (w: Paragraph['words'][number]) => {
      let em = 0;
      for (let i = w.start + w.lead; i < w.end; i++) em += ems[i]!;
      // Whitespace is all in the BMP: `lead` characters are `lead` code units.
      line = w.text.slice(w.lead);
      lineEm = em;
      if (em > maxEm) {
        line = '';
        lineEm = 0;
        for (let i = w.start + w.lead; i < w.end; i++) {
          if (line !== '' && lineEm + ems[i]! > maxEm) {
            inkEm = lineEm;
            push();
            line = '';
            lineEm = 0;
          }
          line += chars[i]!;
          lineEm += ems[i]!;
        }
      }
      inkEm = lineEm;
    };
    for (const w of words) {
      if (line === '') start(w);
      else {
        let candidateEm = lineEm;
        for (let i = w.start; i < w.end; i++) candidateEm += ems[i]!;
        if (candidateEm <= maxEm) {
          line += w.text;
          lineEm = candidateEm;
          // A word of whitespace only (before a wide character) is not drawn at a line's end.
          if (w.lead < w.end - w.start) inkEm = lineEm;
        } else {
          push();
          start(w);
        }
      }
    }
    push();
  }
  return { lines, ems: lineEms };
}

/** Breaks text into lines no wider than `maxEm`; words too long for a line are split by character. */
export function wrap(text: string, maxEm: number): string[] {
  return wrapTokens(tokenize(text), maxEm).lines;
}

/**
 * What bounds the lines a text can take at any size: the width of all its characters, its runs of
 * whitespace (a line break drops at most one run, and each paragraph's first and last), its widest
 * character other than whitespace, and its number of paragraphs.
 */
interface Extent {
  em: number;
  /** Widths of whitespace runs, widest first, summed: dropped[k] is the widest k together. */
  dropped: number[];
  widest: number;
  paragraphs: number;
}

function extentOf(paragraphs: Paragraph[]): Extent {
  let em = 0;
  let widest = 0;
  const runs: number[] = [];
  for (const { ems, words } of paragraphs) {
    for (const w of words) {
      let run = 0;
      for (let i = w.start; i < w.end; i++) {
        em += ems[i]!;
        if (i < w.start + w.lead) run += ems[i]!;
        else widest = Math.max(widest, ems[i]!);
      }
      // Whitespace only ever leads a word: each run is one word's lead.
      if (run > 0) runs.push(run);
    }
  }
  runs.sort((a, b) => b - a);
  const dropped = [0];
  for (const run of runs) dropped.push(dropped.at(-1)! + run);
  return { em, dropped, widest, paragraphs: paragraphs.length };
}

/**
 * False only when no wrapping of the text fits a box of `maxEm` x `maxLines`: a line that fits is
 * no wider than the box, so `lines` lines hold at most lines * maxEm of what is not dropped at
 * their breaks. A small tolerance keeps float rounding on the side of wrapping and looking.
 */
function mightFit(x: Extent, maxEm: number, maxLines: number): boolean {
  if (x.widest > maxEm * (1 + 1e-9)) return false;
  if (maxLines < x.paragraphs) return false;
  const runs = x.dropped.length - 1;
  const kept = x.em - x.dropped[Math.min(maxLines + x.paragraphs, runs)]!;
  return maxLines * maxEm * (1 + 1e-9) >= kept - 1e-6;
}

/** The widest word (without its leading whitespace) in ems. */
function longestWord(paragraphs: Paragraph[]): number {
  let longest = 0;
  for (const { ems, words } of paragraphs) {
    for (const w of words) {
      let em = 0;
      for (let i = w.start + w.lead; i < w.end; i++) em += ems[i]!;
      longest = Math.max(longest, em);
    }
  }
  return longest;
}

/**
 * The largest size up to `maxSize` at which the wrapped text fits a width x height box, with no
 * word split across lines where any size allows that ("Megalodon" shrinks to fit its answer box
 * rather than becoming "Megalod" / "on"); a word too long for the box at half the size splitting
 * would allow, or at the smallest size (a long URL), is split at the largest size that fits.
 */
export function fitText(text: string, width: number, height: number, maxSize: number): TextBlock {
  const paragraphs = tokenize(text);
  const extent = extentOf(paragraphs);
  const word = longestWord(paragraphs);
  const split = fitFrom(paragraphs, extent, width, height, maxSize, 0)!;
  if (word * split.size <= width) return split;
  // Whole words, unless that takes the text below half the size splitting allows (a caption with
  // one long URL stays readable, its URL split).
  const whole =
    word * MIN_SIZE <= width ? fitFrom(paragraphs, extent, width, height, maxSize, word) : undefined;
  return whole && whole.size >= split.size / 2 ? whole : split;
}

/** fitText's search; with `wordEm`, a size only fits when a word that wide fits on one line. */
function fitFrom(
  paragraphs: Paragraph[],
  extent: Extent,
  width: number,
  height: number,
  maxSize: number,
  wordEm: number,
): TextBlock | undefined {
  let size = maxSize;
  // Sizes at which no wrapping could fit are skipped without wrapping, so a long text costs a few
  // wraps, not one per size down to 8 px (the same size comes out as wrapping at each would give).
  while (
    size > MIN_SIZE &&
    (wordEm * size > width ||
      !mightFit(extent, width / size, Math.floor(height / Math.round(size * LINE_SPACING))))
  ) {
    size = next(size);
  }
  for (;;) {
    const { lines, ems } = wrapTokens(paragraphs, width / size);
    const lineHeight = Math.round(size * LINE_SPACING);
    const fits =
      lines.length * lineHeight <= height && ems.every((em) => em * size <= width) && wordEm * size <= width;
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
