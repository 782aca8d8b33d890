import { createReadStream } from 'node:fs';
import { FramefleetError, show } from '../../errors.js';

/** Largest LUT_3D_SIZE accepted (ffmpeg's lut3d limit). */
export const MAX_CUBE_SIZE = 256;

export interface CubeLut {
  size: number;
  title: string | undefined;
}

/** The longest line a .cube file may have: a TITLE, or three numbers however written. */
const MAX_LINE_CHARS = 4096;
/** Lines besides the data rows (header, comments, blank lines). */
const MAX_OTHER_LINES = 100_000;

/**
 * Checks an Adobe/Resolve `.cube` 3D LUT the way lut3d will read it: a LUT_3D_SIZE, then exactly
 * size^3 rows of three numbers. Refuses with the file and line, so a bad grade fails before any
 * render task runs. Line by line, with bounds on the line's length and on the lines that are not
 * data: a file of hostile size is refused as it is read, never held whole. Pure.
 */
class CubeReader {
  private size: number | undefined;
  private title: string | undefined;
  private rows = 0;
  private other = 0;
  line = 0;

  constructor(private readonly path: string) {}

  bad(why: string, line = this.line): FramefleetError {
    return new FramefleetError('INVALID_LUT', `LUT ${show(this.path)} line ${line}: ${why}`);
  }

  take(raw: string): void {
    this.line++;
    if (raw.length > MAX_LINE_CHARS) throw this.bad(`a line over ${MAX_LINE_CHARS} characters`);
    // Blanks as lut3d reads them (spaces and tabs): a byte-order mark or a no-break space that
    // JavaScript's trim takes away fails ffmpeg's parse, after the check, on every retry.
    const line = raw.replace(/^[ \t\r]+|[ \t\r]+$/g, '');
    const [word, ...rest] = line.split(/[ \t]+/);
    if (line !== '' && /^[-+.\d]/.test(word!)) return this.row(line);
    if (++this.other > MAX_OTHER_LINES) throw this.bad(`over ${MAX_OTHER_LINES} lines that are not data`);
    if (line === '' || line.startsWith('#')) return;
    if (word === 'TITLE') {
      this.title = rest.join(' ').replace(/^"|"$/g, '');
    } else if (word === 'LUT_3D_SIZE') {
      if (this.size !== undefined) throw this.bad('a second LUT_3D_SIZE');
      const n = Number(rest[0]);
      if (!Number.isInteger(n) || n < 2 || n > MAX_CUBE_SIZE)
        throw this.bad(`LUT_3D_SIZE must be an integer from 2 to ${MAX_CUBE_SIZE}, got ${show(rest[0])}`);
      this.size = n;
    } else if (word === 'LUT_1D_SIZE') {
      throw this.bad('a 1D LUT; --lut needs a 3D LUT (LUT_3D_SIZE)');
    } else if (word === 'DOMAIN_MIN' || word === 'DOMAIN_MAX' || word === 'LUT_3D_INPUT_RANGE') {
      if (rest.length < 2 || rest.some((v) => !Number.isFinite(Number(v))))
        throw this.bad(`${word} needs numbers, got ${show(rest.join(' '))}`);
    } else {
      throw this.bad(`unknown keyword ${show(word)}`);
    }
  }

  private row(line: string): void {
    if (this.size === undefined) throw this.bad('data before LUT_3D_SIZE');
    const values = line.split(/[ \t]+/).map(Number);
    if (values.length !== 3 || values.some((v) => !Number.isFinite(v)))
      throw this.bad(`expected three numbers, got ${show(line.slice(0, 80))}`);
    if (++this.rows > this.size ** 3)
      throw this.bad(`LUT_3D_SIZE ${this.size} needs ${this.size ** 3} rows, found more`);
  }

  end(): CubeLut {
    if (this.size === undefined) throw this.bad('no LUT_3D_SIZE: not a 3D .cube LUT');
    if (this.rows !== this.size ** 3)
      throw this.bad(`LUT_3D_SIZE ${this.size} needs ${this.size ** 3} rows, found ${this.rows}`);
    return { size: this.size, title: this.title };
  }
}

/** parseCubeLut of a file's text. Pure. */
export function parseCubeLut(text: string, path: string): CubeLut {
  const reader = new CubeReader(path);
  for (const line of text.split(/\r?\n/)) reader.take(line);
  return reader.end();
}

/** parseCubeLut of the file at `local` (`shown` in messages), read in chunks. */
export async function readCubeLut(local: string, shown: string, signal?: AbortSignal): Promise<CubeLut> {
  const reader = new CubeReader(shown);
  let carry = '';
  for await (const chunk of createReadStream(local, { encoding: 'utf8', highWaterMark: 1 << 16, signal })) {
    const lines = (carry + (chunk as string)).split(/\r?\n/);
    carry = lines.pop()!;
    for (const line of lines) reader.take(line);
    if (carry.length > MAX_LINE_CHARS) reader.take(carry);
  }
  reader.take(carry);
  return reader.end();
}

/** Whether an `ffmpeg -filters` listing has every named filter. Pure. */
export function hasFilters(listing: string, names: readonly string[]): boolean {
  const present = new Set(
    listing
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[1])
      .filter((n): n is string => n !== undefined),
  );
  return names.every((n) => present.has(n));
}
