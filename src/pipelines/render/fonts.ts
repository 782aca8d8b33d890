import { runHelper } from './tool.js';
import { FramefleetError, show } from '../../errors.js';

const GENERIC = new Set(['sans', 'sans-serif', 'serif', 'monospace', 'mono']);
const resolved = new Map<string, string>();

/**
 * The font file fontconfig gives for a family name (`DejaVu Sans`, `Noto Sans CJK JP:bold`). fc-match
 * always answers with some font; a family it does not have is an error naming it, not a fallback.
 */
export async function resolveFont(family: string, where = 'font'): Promise<string> {
  const known = resolved.get(family);
  if (known) return known;
  const out = await runHelper('fc-match', ['-f', '%{file}\\n%{family}\\n', family], 10_000);
  if (out === undefined) {
    throw new FramefleetError(
      'FONT_NOT_FOUND',
      `${where}: fontconfig (fc-match) is not installed, so font ${show(family)} cannot be found`,
    );
  }
  const [file = '', families = ''] = out.split('\n');
  const wanted = family.split(':')[0]!.trim().toLowerCase();
  const offered = families.split(',').map((f) => f.trim().toLowerCase());
  if (!file || (!GENERIC.has(wanted) && !offered.includes(wanted))) {
    throw new FramefleetError(
      'FONT_NOT_FOUND',
      `${where}: font family ${show(family)} is not installed (fontconfig offers ${show(families || 'nothing')} instead)`,
    );
  }
  resolved.set(family, file);
  return file;
}
