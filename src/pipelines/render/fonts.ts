import { stat } from 'node:fs/promises';
import { runHelper } from './tool.js';
import { FramefleetError, show } from '../../errors.js';

const GENERIC = new Set(['sans', 'sans-serif', 'serif', 'monospace', 'mono']);
const resolved = new Map<string, string>();
const charsets = new Map<string, Promise<[number, number][] | undefined>>();

/**
 * The font file fontconfig gives for a family name (`DejaVu Sans`, `Noto Sans CJK JP:bold`). fc-match
 * always answers with some font; a family it does not have is an error naming it, not a fallback.
 */
export async function resolveFont(family: string, where?: string): Promise<string> {
  const place = where ? `${where}: ` : '';
  const known = resolved.get(family);
  if (known) return known;
  // After `--`: a family that starts with `-` is a name, never an option (`--format=/any/file`
  // made fc-match print a path of the client's choosing as the font file).
  const out = await runHelper('fc-match', ['-f', '%{file}\\n%{family}\\n', '--', family], 10_000);
  if (out === undefined) {
    throw new FramefleetError(
      'FONT_NOT_FOUND',
      `${place}fontconfig (fc-match) is not installed, so font ${show(family)} cannot be found`,
    );
  }
  const [file = '', families = ''] = out.split('\n');
  const wanted = family.split(':')[0]!.trim().toLowerCase();
  const offered = families.split(',').map((f) => f.trim().toLowerCase());
  if (!file || (!GENERIC.has(wanted) && !offered.includes(wanted))) {
    throw new FramefleetError(
      'FONT_NOT_FOUND',
      `${place}font family ${show(family)} is not installed (fontconfig offers ${show(families || 'nothing')} instead)`,
    );
  }
  // What drawtext will open: an installed font file, never a FIFO or device that would hold it.
  const kind = await stat(file).then(
    (info) => (info.isFile() ? undefined : 'not a regular file'),
    (error: NodeJS.ErrnoException) => error.code ?? 'unreadable',
  );
  if (kind)
    throw new FramefleetError(
      'FONT_NOT_FOUND',
      `${place}font ${show(family)} resolves to ${show(file)}, ${kind}`,
    );
  resolved.set(family, file);
  return file;
}

/**
 * Refuses a font file fontconfig cannot read (an image, a truncated download): drawtext would
 * quietly draw the text in fontconfig's default font instead. Not checked without fontconfig.
 */
export async function checkFontFile(file: string, given: string): Promise<void> {
  if ((await runHelper('fc-query', ['-f', '%{family}\\n', file], 10_000)) !== undefined) return;
  if ((await runHelper('fc-query', ['--version'], 10_000)) === undefined) return;
  throw new FramefleetError(
    'INPUT_NOT_MEDIA',
    `${show(given)} is not a font file fontconfig can read (drawtext would draw the text in a default font)`,
  );
}

/**
 * The characters of `text` that a font file has no glyph for, from fontconfig's charset of the file
 * (fc-query): drawtext shows them as empty boxes. Empty when the charset cannot be read. Charsets
 * are remembered by the file itself (device, inode, size, time), not its name: a held file's
 * /proc/<pid>/fd/N name is another file's once that number is reused.
 */
export async function missingGlyphs(file: string, text: string): Promise<string[]> {
  const info = await stat(file).catch(() => undefined);
  const key = info ? `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}` : file;
  let ranges = charsets.get(key);
  if (!ranges) {
    ranges = runHelper('fc-query', ['-f', '%{charset}\\n', file], 10_000).then(parseCharset);
    charsets.set(key, ranges);
  }
  const covered = await ranges;
  if (!covered) return [];
  const missing = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (/\s/u.test(ch) || cp < 0x20) continue;
    if (!covered.some(([from, to]) => cp >= from && cp <= to)) missing.add(ch);
  }
  return [...missing];
}

/** fontconfig's charset text (`20-7e a0-2e9 ...`, one line per face: the first face counts). Pure. */
export function parseCharset(out: string | undefined): [number, number][] | undefined {
  const line = out?.split('\n')[0]?.trim();
  if (!line) return undefined;
  return line.split(/\s+/).map((range) => {
    const [from = '', to = from] = range.split('-');
    return [parseInt(from, 16), parseInt(to, 16)];
  });
}
