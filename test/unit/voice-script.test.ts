import { describe, expect, it } from 'vitest';
import { voiceScriptWarning } from '../../src/pipelines/render/voice-script.js';

// Found by a new user's trial: an Arabic quiz with the default voice `en` was narrated as
// "Arabic letter meem, Arabic letter alef..." for 28 s a question, without a word.
describe('voiceScriptWarning', () => {
  it('names a voice that reads the script most of the text is in', () => {
    expect(voiceScriptWarning(['ما هي عاصمة فرنسا؟', 'باريس'], 'en')).toBe(
      "the quiz's text is mostly in Arabic script, which voice `en` does not read (espeak-ng would spell it out letter by letter): set quiz.voice to one that does, such as `ar`",
    );
    expect(voiceScriptWarning(['Какая столица Франции?'], 'en-us')).toMatch(/Cyrillic script.*such as `ru`/);
    expect(voiceScriptWarning(['日本の首都は？', '東京'], 'fr')).toMatch(
      /(Han|Hiragana) script.*such as `(cmn|ja)`/,
    );
    expect(voiceScriptWarning(['What is the capital of France?'], 'ar')).toMatch(
      /Latin script.*such as `en`/,
    );
  });

  it('says nothing where the voice reads the text, or most of it', () => {
    expect(voiceScriptWarning(['What is the capital of France?', 'Paris'], 'en')).toBeUndefined();
    expect(voiceScriptWarning(['Quelle est la capitale de la France ?'], 'fr+f3')).toBeUndefined();
    expect(voiceScriptWarning(['ما هي عاصمة فرنسا؟'], 'ar')).toBeUndefined();
    expect(voiceScriptWarning(['日本の首都は？', '東京'], 'ja')).toBeUndefined();
    expect(voiceScriptWarning(['Какая столица Франции?'], 'ru')).toBeUndefined();
    // A name in another script inside an English question; numbers and emoji are no letters.
    expect(
      voiceScriptWarning(['Who wrote "Война и мир", the famous novel by Leo Tolstoy?'], 'en'),
    ).toBeUndefined();
    expect(voiceScriptWarning(['2 + 2 = ? 🤔'], 'en')).toBeUndefined();
  });
});
