import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

describe('render --template trivia --batch', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it('renders each line as its own job; a bad line is reported and the rest go on', async () => {
    const good = (n: number) => ({
      title: `Quiz ${n}`,
      speed: 400,
      countdownSeconds: 1,
      questions: [{ question: `Is ${n} even?`, answers: ['yes', 'no', 'maybe', 'never'], correct: n % 2 }],
    });
    const bad = {
      title: 'Broken',
      questions: [{ question: 'Three answers?', answers: ['a', 'b', 'c'], correct: 0 }],
    };
    const lines = [good(1), bad, good(2)].map((q) => JSON.stringify(q));
    await writeFile(join(dir, 'quizzes.jsonl'), `${lines.join('\n')}\n`);
    const out = join(dir, 'videos');
    const args = ['render', '--template', 'trivia', '--batch', join(dir, 'quizzes.jsonl'), '--out-dir', out];
    // A missing --out-dir is a usage error, not created (a typo would scatter videos).
    const missing = await runCli(args);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--out-dir .*videos.*: directory does not exist/);
    await expect(stat(out)).rejects.toThrow();
    await mkdir(out);
    args.push('--width', '160', '--height', '120', '--fps', '5', '--data-dir', join(dir, 'data'), '--json');
    const r = await runCli(args, {}, 300_000);
    expect(r.code, r.stderr).toBe(1);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const videos = events.filter((e) => e.type === 'video');
    expect(videos.map((v) => [v.line, v.state])).toEqual(
      expect.arrayContaining([
        [1, 'done'],
        [2, 'failed'],
        [3, 'done'],
      ]),
    );
    const failed = videos.find((v) => v.line === 2)!;
    expect(failed.code).toBe('INVALID_SPEC');
    expect(failed.message).toContain('quiz.questions.0.answers');
    expect(events.at(-1)).toMatchObject({ type: 'summary', videos: 3, done: 2, failed: 1 });
    for (const name of ['0001.mp4', '0003.mp4'])
      expect((await probe(join(out, name))).video!.frameCount).toBeGreaterThan(0);
    await expect(stat(join(out, '0002.mp4'))).rejects.toThrow();
  }, 320_000);
  // Found by a new user's trial: an Arabic quiz read by the default voice was warned of when
  // rendered alone, and said nothing but "done" in a batch.
  it("says each line's warnings, naming the line", async () => {
    const arabic = {
      title: 'اختبار',
      speed: 400,
      countdownSeconds: 1,
      questions: [
        { question: 'ما هي عاصمة مصر؟', answers: ['القاهرة', 'دمشق', 'بغداد', 'تونس'], correct: 0 },
      ],
    };
    await writeFile(join(dir, 'arabic.jsonl'), `${JSON.stringify(arabic)}\n`);
    const out = join(dir, 'arabic');
    await mkdir(out);
    const r = await runCli(
      [
        'render',
        '--template',
        'trivia',
        '--batch',
        join(dir, 'arabic.jsonl'),
        '--out-dir',
        out,
        '--data-dir',
        join(dir, 'data'),
      ],
      {},
      300_000,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^line 1: done /m);
    expect(r.stderr).toMatch(
      /^line 1: warning: the quiz's text is mostly in Arabic script, which voice .* does not read/m,
    );
  }, 320_000);
});
