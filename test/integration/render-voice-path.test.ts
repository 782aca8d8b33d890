import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasEspeak, speak } from '../../src/pipelines/render/narration.js';
import { parseRenderSpec } from '../../src/pipelines/render/spec.js';

const exec = promisify(execFile);

/** espeak-ng's own data folder (`espeak-ng --version` names it), where its language files are. */
async function espeakData(): Promise<string | undefined> {
  const { stdout } = await exec('espeak-ng', ['--version']).catch(() => ({ stdout: '' }));
  return /Data at: (\S+)/.exec(stdout)?.[1];
}

const quizSpec = (voice: unknown) => ({
  output: '/out/quiz.mp4',
  template: 'trivia',
  quiz: {
    title: 'Quiz',
    questions: [{ question: 'Two?', answers: ['1', '2', '3', '4'], correct: 1 }],
    voice,
  },
});

// A quiz's voice went to `espeak-ng -v` as it was: espeak-ng opens a voice with `/` as a file
// relative to its data folder, so `../../../../etc/passwd` read that file (printing its lines as
// "Bad voice attribute"), a FIFO hung the planner, and a voice file of one's own anywhere was used.
describe('a trivia voice is a voice name, never a path', () => {
  let dir = '';
  let data: string | undefined;
  let espeak = false;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ff-voice-'));
    espeak = await hasEspeak();
    data = espeak ? await espeakData() : undefined;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(['../../../../../../etc/passwd', '/etc/hostname', 'gmw/en', 'en.txt', '-x', ' en', 'en\n', ''])(
    'refuses the voice %j at submit',
    (voice) => {
      expect(() => parseRenderSpec(quizSpec(voice))).toThrow(
        expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining('voice') }),
      );
    },
  );

  it('accepts voice names', () => {
    for (const voice of ['en', 'en-us', 'de+f3', 'mb-en1', 'en_GB'])
      expect(parseRenderSpec(quizSpec(voice)).quiz?.voice).toBe(voice);
  });

  it('refuses a voice path where it speaks (a payload not checked at submit); a name still speaks', async (t) => {
    if (!espeak || !data) return t.skip();
    // A working voice file, copied outside espeak-ng's data folder: reached by walking up from it.
    const outside = join(dir, 'my-voice');
    await copyFile(join(data, 'lang', 'gmw', 'en'), outside);
    const walk = `${'../'.repeat(data.split('/').length + 2)}${outside.slice(1)}`;
    await expect(speak('Hello there', walk, 170, dir, 'line-0')).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining('voice') }),
    );
    expect((await readdir(dir)).sort()).toEqual(['my-voice']);
    // A name still speaks.
    const said = await speak('Hello there', 'en', 170, dir, 'line-1');
    expect(said.durationSec).toBeGreaterThan(0.2);
  });
});
