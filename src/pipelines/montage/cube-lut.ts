import { FramefleetError, show } from '../../errors.js';

/** Largest LUT_3D_SIZE accepted (ffmpeg's lut3d limit). */
export const MAX_CUBE_SIZE = 256;

export interface CubeLut {
  size: number;
  title: string | undefined;
}

/**
 * Checks an Adobe/Resolve `.cube` 3D LUT the way lut3d will read it: a LUT_3D_SIZE, then exactly
 * size^3 rows of three numbers. Refuses with the file and line, so a bad grade fails before any
 * render task runs. Pure.
 */
export function parseCubeLut(text: string, path: string): CubeLut {
  const bad = (line: number, why: string) =>
    new FramefleetError('INVALID_LUT', `LUT ${show(path)} line ${line}: ${why}`);
  let size: number | undefined;
  let title: string | undefined;
  let rows = 0;
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'TITLE') {
      title = rest.join(' ').replace(/^"|"$/g, '');
    } else if (word === 'LUT_3D_SIZE') {
      const n = Number(rest[0]);
      if (!Number.isInteger(n) || n < 2 || n > MAX_CUBE_SIZE)
        throw bad(i + 1, `LUT_3D_SIZE must be an integer from 2 to ${MAX_CUBE_SIZE}, got ${show(rest[0])}`);
      size = n;
    } else if (word === 'LUT_1D_SIZE') {
      throw bad(i + 1, 'a 1D LUT; --lut needs a 3D LUT (LUT_3D_SIZE)');
    } else if (word === 'DOMAIN_MIN' || word === 'DOMAIN_MAX' || word === 'LUT_3D_INPUT_RANGE') {
      if (rest.length < 2 || rest.some((v) => !Number.isFinite(Number(v))))
        throw bad(i + 1, `${word} needs numbers, got ${show(rest.join(' '))}`);
    } else if (/^[-+.\d]/.test(word!)) {
      if (size === undefined) throw bad(i + 1, 'data before LUT_3D_SIZE');
      const values = line.split(/\s+/).map(Number);
      if (values.length !== 3 || values.some((v) => !Number.isFinite(v)))
        throw bad(i + 1, `expected three numbers, got ${show(line.slice(0, 80))}`);
      rows++;
    } else {
      throw bad(i + 1, `unknown keyword ${show(word)}`);
    }
  }
  if (size === undefined) throw bad(lines.length, 'no LUT_3D_SIZE: not a 3D .cube LUT');
  if (rows !== size ** 3)
    throw bad(lines.length, `LUT_3D_SIZE ${size} needs ${size ** 3} rows, found ${rows}`);
  return { size, title };
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
