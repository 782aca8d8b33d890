import { show } from '../../errors.js';

/** Writing systems espeak-ng voices read, by the voice's language (the name before `-` or `+`). */
const VOICE_SCRIPTS: Record<string, readonly string[]> = {
  Arabic: ['ar', 'fa', 'ur', 'ps', 'sd', 'ug'],
  Hebrew: ['he'],
  Cyrillic: ['ru', 'uk', 'bg', 'mk', 'be', 'kk', 'ky', 'tt', 'ba', 'cv'],
  Greek: ['el', 'grc'],
  Han: ['cmn', 'yue', 'zh', 'hak', 'ja'],
  Hiragana: ['ja'],
  Katakana: ['ja'],
  Hangul: ['ko'],
  Devanagari: ['hi', 'mr', 'ne', 'sa', 'kok', 'mai'],
  Bengali: ['bn', 'as', 'bpy'],
  Thai: ['th'],
  Georgian: ['ka'],
  Armenian: ['hy', 'hyw'],
  Tamil: ['ta'],
  Telugu: ['te'],
  Kannada: ['kn'],
  Malayalam: ['ml'],
  Gujarati: ['gu'],
  Gurmukhi: ['pa'],
  Sinhala: ['si'],
  Ethiopic: ['am'],
  Myanmar: ['my'],
  Oriya: ['or'],
};

const SCRIPTS = Object.keys(VOICE_SCRIPTS).map((name) => ({
  name,
  letter: new RegExp(`\\p{Script=${name}}`, 'u'),
}));

/** The script most of the letters of `text` are in ('Latin' for any other), and its share. Pure. */
function mainScript(text: string): { script: string; share: number } | undefined {
  const counts = new Map<string, number>();
  let letters = 0;
  for (const [c] of text.matchAll(/\p{L}/gu)) {
    letters++;
    const script = SCRIPTS.find((s) => s.letter.test(c))?.name ?? 'Latin';
    counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (letters === 0) return undefined;
  const [script, count] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
  return { script, share: count / letters };
}

/**
 * Said where most of the narrated text is in a script the voice does not read (an Arabic quiz
 * spoken by the default `en`: espeak-ng spells it out letter by letter, "Arabic letter meem..."),
 * naming a voice that reads it. Undefined where they agree. Pure.
 */
export function voiceScriptWarning(lines: readonly string[], voice: string): string | undefined {
  const found = mainScript(lines.join(' '));
  if (!found || found.share < 0.5) return undefined;
  const language = voice.toLowerCase().split(/[-+_]/)[0]!;
  const reads = (script: string) =>
    script === 'Latin'
      ? !Object.values(VOICE_SCRIPTS).some((voices) => voices.includes(language))
      : VOICE_SCRIPTS[script]!.includes(language);
  if (reads(found.script)) return undefined;
  const instead = found.script === 'Latin' ? 'en' : VOICE_SCRIPTS[found.script]![0]!;
  return `the quiz's text is mostly in ${found.script} script, which voice ${show(voice)} does not read (espeak-ng would spell it out letter by letter): set quiz.voice to one that does, such as ${show(instead)}`;
}
