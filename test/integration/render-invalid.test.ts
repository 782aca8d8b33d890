import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanContext } from '../../src/engine/types.js';
import { FramefleetError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { planRender } from '../../src/pipelines/render/plan.js';
import { parseRenderSpec } from '../../src/pipelines/render/spec.js';
import { fixedPolicy } from '../../src/storage/path-policy.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

/** Specs that name files and fonts: refused when planned, before any task runs, with the JSON path. */
describe('render refuses bad files and fonts', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let inside: string;
  let outside: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'in'));
    await mkdir(join(dir, 'out'));
    await mkdir(join(dir, 'elsewhere'));
    inside = join(dir, 'in', 'logo.png');
    outside = join(dir, 'elsewhere', 'logo.png');
    for (const p of [inside, outside])
      await ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=32x32', '-frames:v', '1', p]);
  });
  afterAll(() => cleanup());

  const context = (roots?: boolean): PlanContext => ({
    jobId: 'job',
    scratchPrefix: 'scratch/job/',
    storage: new FileStorage(join(dir, 'data')),
    signal: new AbortController().signal,
    log: silentLogger,
    capabilities: { encoders: ['libx264'], hwaccels: [], devices: ['cpu'], slots: 1 },
    ...(roots ? { paths: fixedPolicy({ input: [join(dir, 'in')], output: [join(dir, 'out')] }) } : {}),
  });

  async function refusal(layer: Record<string, unknown>, roots = false): Promise<FramefleetError> {
    const spec = parseRenderSpec({
      output: join(dir, 'out', 'o.mp4'),
      width: 160,
      height: 120,
      scenes: [{ duration: 1 }, { duration: 1, layers: [layer] }],
    });
    const error = await planRender(spec, context(roots)).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof FramefleetError)) throw new Error(`planned, or failed oddly: ${String(error)}`);
    return error;
  }

  const image = { type: 'image', x: 0, y: 0, width: 32, height: 32 };

  it('a missing image', async () => {
    const error = await refusal({ ...image, path: join(dir, 'in', 'nope.png') });
    expect(error.code).toBe('INPUT_NOT_FOUND');
    expect(error.message).toContain('at scenes.1.layers.0.path');
  });

  it('a file that is not an image', async () => {
    const text = join(dir, 'in', 'notes.png');
    await writeFile(text, 'not an image at all');
    const error = await refusal({ ...image, path: text });
    expect(error.code).toBe('INPUT_NOT_MEDIA');
    expect(error.message).toContain('at scenes.1.layers.0.path');
  });

  // drawtext falls back to fontconfig's default font for a file it cannot load: the video was
  // rendered in DejaVu Sans without a word.
  it('a font file that is not a font', async () => {
    const error = await refusal({
      type: 'text',
      text: 'hi',
      x: 0,
      y: 0,
      width: 64,
      height: 32,
      fontFile: inside,
    });
    expect(error.code).toBe('INPUT_NOT_MEDIA');
    expect(error.message).toContain('at scenes.1.layers.0.fontFile');
    expect(error.message).toContain('is not a font file');
  });

  it('an image outside the allowed roots', async () => {
    const error = await refusal({ ...image, path: outside }, true);
    expect(error.code).toBe('PATH_FORBIDDEN');
    expect(error.message).toContain('at scenes.1.layers.0.path');
    // The same image inside the roots plans.
    const spec = parseRenderSpec({
      output: join(dir, 'out', 'o.mp4'),
      width: 160,
      height: 120,
      scenes: [{ duration: 1, layers: [{ ...image, path: inside }] }],
    });
    const graph = await planRender(spec, context(true));
    expect(graph.tasks.map((t) => t.kind)).toEqual(['render.scene', 'render.stitch']);
  });

  it('an output that is one of the files the spec reads', async () => {
    const video = join(dir, 'in', 'clip.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=64x48:d=1', video]);
    const spec = parseRenderSpec({
      output: video,
      overwrite: true,
      scenes: [{ duration: 1, background: { video } }],
    });
    const error = await planRender(spec, context()).catch((e: unknown) => e);
    expect((error as FramefleetError).code).toBe('OUTPUT_IS_INPUT');
  });

  it('AAC audio plans as music and in a background video; an in-point past the clip is refused', async () => {
    // AAC's first packet (encoder priming) decodes to no sound: one packet is not enough to judge.
    const song = join(dir, 'in', 'song.m4a');
    const clip = join(dir, 'in', 'aac.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=0.5', '-c:a', 'aac', song]);
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'sine=d=1', '-f', 'lavfi', '-i', 'testsrc=s=64x48:d=1'],
      ...['-map', '0', '-map', '1', '-c:a', 'aac', clip],
    ]);
    const spec = (start: number) =>
      parseRenderSpec({
        output: join(dir, 'out', 'aac.mp4'),
        width: 160,
        height: 120,
        scenes: [{ duration: 1 }, { duration: 1, background: { video: clip, in: start } }],
        audio: { music: [{ path: song }] },
      });
    const warnings: string[] = [];
    const log = {
      ...silentLogger,
      warn: (_: object | string, msg?: string) => void warnings.push(msg ?? ''),
    };
    const graph = await planRender(spec(0.5), { ...context(), log });
    expect(graph.rootTaskId).toBe('stitch');
    // A clip that ends before its scene holds its last frame, and says so (found by the trial).
    expect(warnings).toEqual([
      expect.stringMatching(
        /^scenes\.1\.background\.video: `.*aac\.mp4` lasts 1\.\d\d s, 0\.\d\d s short of the scene \(in 0\.5 s \+ 1 s\): its last frame holds/,
      ),
    ]);
    warnings.length = 0;
    await planRender(spec(0), { ...context(), log });
    expect(warnings).toEqual([]);
    const error = (await planRender(spec(12), context()).catch((e: unknown) => e)) as FramefleetError;
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toMatch(
      /at scenes\.1\.background\.in: in 12 s is past the end of .*aac\.mp4.*lasts 1\.\d\d s/,
    );
    // A sound file is no background video.
    const sound = (await planRender(
      parseRenderSpec({
        output: join(dir, 'out', 'aac.mp4'),
        scenes: [{ duration: 1, background: { video: song } }],
      }),
      context(),
    ).catch((e: unknown) => e)) as FramefleetError;
    expect(sound.code).toBe('INPUT_NOT_MEDIA');
  });

  // Found by the new-user trial: music placed at 5 s on a 4 s timeline rendered silence, exit 0.
  it('music or narration that starts at or past the end of the timeline', async () => {
    const song = join(dir, 'in', 'late.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=1', song]);
    const spec = (kind: 'music' | 'narration', start: number) =>
      parseRenderSpec({
        output: join(dir, 'out', 'late.mp4'),
        width: 160,
        height: 120,
        // 2 + 2 s with a 0.5 s crossfade: the timeline ends at 3.5 s.
        scenes: [{ duration: 2, transition: { type: 'crossfade', duration: 0.5 } }, { duration: 2 }],
        audio: { [kind]: [{ path: song }, { path: song, start }] },
      });
    expect((await planRender(spec('music', 3.4), context())).rootTaskId).toBe('stitch');
    for (const kind of ['music', 'narration'] as const) {
      const error = (await planRender(spec(kind, 3.5), context()).catch(
        (e: unknown) => e,
      )) as FramefleetError;
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.message).toBe(
        `invalid render spec at audio.${kind}.1.start: 3.5 s is not before the timeline's end at 3.50 s, so nothing of it would be heard`,
      );
    }
  });

  it('a font family that is not installed, and a missing font file', async () => {
    const text = { type: 'text', text: 'hi', x: 0, y: 0, width: 100, height: 40 };
    const family = await refusal({ ...text, font: 'No Such Font Family 42' });
    expect(family.code).toBe('FONT_NOT_FOUND');
    expect(family.message).toContain('at scenes.1.layers.0.font');
    expect(family.message).toContain('No Such Font Family 42');
    // The place once, not 'font: font family' (found by the new-user trial).
    expect(family.message).toMatch(
      /at scenes\.1\.layers\.0\.font: font family `No Such Font Family 42` is not installed/,
    );
    const file = await refusal({ ...text, fontFile: join(dir, 'in', 'nope.ttf') });
    expect(file.code).toBe('INPUT_NOT_FOUND');
    expect(file.message).toContain('at scenes.1.layers.0.fontFile');
  });

  it('a font family that reads as an fc-match option names no file of the client', async () => {
    // Found by an attacker's trial: `--format=PATH...` replaced fc-match's format, and its answer
    // (the client's PATH, with a family made to match) became the font drawtext opened.
    const text = { type: 'text', text: 'hi', x: 0, y: 0, width: 100, height: 40 };
    const secret = join(dir, 'secret.ttf');
    await writeFile(secret, 'any file outside the roots');
    const font = `--format=${secret}%{?zzz{:}}\n--format=${secret}%%{?zzz{`;
    const error = await refusal({ ...text, font });
    expect(error.code).toBe('FONT_NOT_FOUND');
    expect(error.message).toContain('is not installed');
    expect(error.message).not.toContain(`resolves`);
  });

  it('a font without the glyphs of many texts warns once per place, naming every missing one', async () => {
    const warnings: string[] = [];
    const log = {
      ...silentLogger,
      warn: (_: object | string, msg?: string) => void warnings.push(msg ?? ''),
    };
    const question = {
      question: 'ما هي عاصمة مصر؟',
      answers: ['القاهرة', 'الجيزة', 'أسوان', 'طنطا'],
      correct: 0,
    };
    const spec = parseRenderSpec({
      output: join(dir, 'out', 'quiz.mp4'),
      width: 320,
      height: 180,
      template: 'trivia',
      quiz: { title: 'Quiz', questions: [question, question], font: 'DejaVu Serif', countdownSeconds: 1 },
    });
    await planRender(spec, { ...context(), log });
    const glyphs = warnings.filter((w) => w.includes('has no glyph'));
    // Each question text shows on three scenes: one warning, not one per scene and answer.
    expect(glyphs).toHaveLength(1);
    expect(glyphs[0]).toMatch(/^quiz\.font: font `DejaVu Serif` has no glyph for `[^`]{12}` and \d+ more,/);
  });

  it('the CLI answers a bad spec with exit 2 and the JSON path, and writes nothing', async () => {
    const specFile = join(dir, 'bad.json');
    await writeFile(
      specFile,
      JSON.stringify({
        width: 160,
        height: 120,
        scenes: [{ duration: 1, layers: [{ type: 'text', text: 'x', x: 150, y: 0, width: 40, height: 20 }] }],
      }),
    );
    const output = join(dir, 'out', 'bad.mp4');
    const r = await runCli(['render', specFile, '-o', output, '--data-dir', join(dir, 'data')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /invalid render spec at scenes\.0\.layers\.0: text layer 150,0 40x20 lies outside the 160x120 frame/,
    );
    const unknown = await runCli([
      'render',
      '--template',
      'karaoke',
      specFile,
      '-o',
      output,
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('at template:');
  });

  // A new user's trial: `"fps": 10, "fps": 30` rendered at 30 without a word.
  it('refuses a spec file with a key given twice', async () => {
    const spec = join(dir, 'twice.json');
    await writeFile(spec, '{"width":320,"height":180,"fps":10,"fps":30,"scenes":[{"duration":1}]}');
    const r = await runCli([
      'render',
      spec,
      '-o',
      join(dir, 'out', 'twice.mp4'),
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect([r.code, r.stderr]).toEqual([
      2,
      `framefleet: error: render spec \`${spec}\` has the key \`fps\` twice in one object: JSON keeps only the last, so give it once [INVALID_JSON]\n`,
    ]);
  });

  // A new user's trial: a question too long for a small frame was refused at the scene the template
  // made of it (`scenes.1.layers.1.text`), a field the user never wrote.
  it("names the quiz field whose text does not fit the template's box", async () => {
    const quiz = join(dir, 'long-question.json');
    const question = 'word '.repeat(190).trim();
    await writeFile(
      quiz,
      JSON.stringify({ title: 'T', questions: [{ question, answers: ['a', 'b', 'c', 'd'], correct: 0 }] }),
    );
    const r = await runCli([
      ...['render', '--template', 'trivia', quiz, '-o', join(dir, 'out', 'q.mp4')],
      ...['--width', '320', '--height', '180', '--data-dir', join(dir, 'data')],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^framefleet: error: invalid render spec at quiz\.questions\.0\.question: text of 949 characters does not fit its \d+x\d+ rectangle .* \(in the template's scenes\.1\.layers\.1\.text\) \[INVALID_SPEC\]\n$/,
    );
  });
});
