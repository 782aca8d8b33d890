import { execFile, spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord, TaskSpec } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import { MIN_TASK_SECONDS, sceneFrames } from '../../src/pipelines/render/layout.js';
import { isCrossfade, type ScenePart, type ScenesPayload } from '../../src/pipelines/render/payloads.js';
import { sceneStarts } from '../../src/pipelines/render/plan.js';
import { CLI, runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

const run = promisify(execFile);
const W = 320;
const H = 240;
const FPS = 10;
const QUIZ = {
  title: 'Capitals',
  countdownSeconds: 1,
  speed: 280,
  colors: { background: '#1b1f3a', primary: '#2f6fde', correct: '#1fa34a', text: '#ffffff' },
  questions: [
    {
      question: 'What is the capital of France?',
      answers: ['Berlin', 'Paris', 'Rome', 'Madrid'],
      correct: 1,
    },
    {
      question: 'Which river flows through Vienna?',
      answers: ['Danube', 'Rhine', 'Elbe', 'Seine'],
      correct: 0,
    },
  ],
};

interface Manifest {
  job: JobRecord;
  graph: { tasks: TaskSpec[] };
}

async function readManifest(dataDir: string): Promise<Manifest | undefined> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => []);
  if (ids.length !== 1) return undefined;
  try {
    return JSON.parse(await readFile(join(dataDir, 'jobs', ids[0]!, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

const readJob = async (dataDir: string) => (await readManifest(dataDir))?.job;

async function has(tool: string): Promise<boolean> {
  return run(tool, ['--version']).then(
    () => true,
    () => false,
  );
}

/** RGB of one pixel of the frame at `t` seconds. */
async function pixel(video: string, t: number, x: number, y: number): Promise<number[]> {
  const args = [
    '-v',
    'error',
    '-ss',
    t.toFixed(3),
    '-i',
    video,
    '-frames:v',
    '1',
    '-vf',
    `format=rgb24,crop=1:1:${x}:${y}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ];
  const { stdout } = await run('ffmpeg', args, { encoding: 'buffer' });
  return [...stdout.subarray(0, 3)];
}

function near(rgb: number[], hex: string): boolean {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return want.every((v, i) => Math.abs(v - rgb[i]!) <= 40);
}

async function loudest(video: string, from: number, seconds: number): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    '-ss',
    from.toFixed(3),
    '-t',
    String(seconds),
    '-i',
    video,
    '-vn',
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  return Number(/max_volume: (-?[\d.]+|-inf) dB/.exec(stderr)?.[1] ?? -999);
}

describe('render --template trivia', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let output: string;
  let dataDir: string;
  let job: JobRecord;
  let starts: number[];
  let espeak: boolean;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    espeak = await has('espeak-ng');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x64', '-frames:v', '1', join(dir, 'logo.png')]);
    await writeFile(join(dir, 'quiz.json'), JSON.stringify({ ...QUIZ, logo: 'logo.png' }));
    output = join(dir, 'quiz.mp4');
    dataDir = join(dir, 'data');
  });
  afterAll(() => cleanup());

  it('survives SIGKILL mid-render: the rerun reuses finished scenes and verifies', async () => {
    const args = ['render', '--template', 'trivia', join(dir, 'quiz.json'), '-o', output];
    args.push(
      '--width',
      String(W),
      '--height',
      String(H),
      '--fps',
      String(FPS),
      '--workers',
      '1',
      '--keep-intermediates',
      '--data-dir',
      dataDir,
    );
    const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: 'ignore' });
    const pieces = (j: JobRecord | undefined) => j?.tasks.filter((t) => t.kind === 'render.scene') ?? [];
    let before: JobRecord | undefined;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && pieces(before).filter((t) => t.state === 'done').length < 2) {
      await new Promise((r) => setTimeout(r, 100));
      before = await readJob(dataDir);
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('close', r));
    const finished = pieces(before).filter((t) => t.state === 'done');
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(pieces(before).length);
    await expect(stat(output)).rejects.toThrow();

    // The same job (the spec decides its id), now with both cores.
    const again = await runCli([...args.map((a) => (a === '1' ? '2' : a)), '--json'], {}, 240_000);
    expect(again.code, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout.trim().split('\n').at(-1)!) as {
      reusedSegments: number;
      frames: number;
    };
    job = (await readJob(dataDir))!;
    const reused = pieces(job)
      .filter((t) => t.reused)
      .map((t) => t.id);
    expect(reused.sort()).toEqual(finished.map((t) => t.id).sort());
    expect(result.reusedSegments).toBe(reused.length);
    process.stdout.write(`render resume: ${reused.length} of ${pieces(job).length} pieces reused\n`);
  }, 400_000);

  it('has intro, question, countdown, reveal per question and outro; duration within one frame', async () => {
    const graph = (await readManifest(dataDir))!.graph;
    const runs = graph.tasks.filter((t) => t.kind === 'render.scene').map((t) => t.payload as ScenesPayload);
    const pieces = runs.flatMap((r) => r.pieces);
    const scenes = pieces.filter((p): p is ScenePart => !isCrossfade(p));
    expect(scenes).toHaveLength(2 + 3 * QUIZ.questions.length);
    expect(pieces.filter(isCrossfade)).toHaveLength(QUIZ.questions.length + 1);
    // Short scenes share a task: every run but the last draws at least MIN_TASK_SECONDS.
    expect(runs.length).toBeLessThan(pieces.length);
    for (const r of runs.slice(0, -1)) expect(r.end - r.start).toBeGreaterThanOrEqual(MIN_TASK_SECONDS * FPS);
    const timeline = scenes.map((p) => p.scene);
    const { frames, overlaps } = sceneFrames(timeline, FPS);
    const expected =
      timeline.reduce((sum, s) => sum + s.duration, 0) - overlaps.reduce((a, b) => a + b, 0) / FPS;
    const info = await probe(output);
    expect(info.video!.frameCount).toBe(
      frames.reduce((a, b) => a + b, 0) - overlaps.reduce((a, b) => a + b, 0),
    );
    expect(Math.abs(info.video!.durationSec - expected)).toBeLessThanOrEqual(1 / FPS + 1e-6);
    expect(timeline[2]!.duration).toBe(QUIZ.countdownSeconds);
    starts = sceneStarts(timeline, FPS);
    if (espeak) {
      // Scene lengths follow the narration: a question scene is longer than its 3 s floor.
      expect(timeline[1]!.duration).toBeGreaterThan(3);
      expect(info.audio).toBeDefined();
    }
  });

  it('reads each question back from a frame of its scene (tesseract)', async (ctx) => {
    if (!(await has('tesseract'))) ctx.skip('tesseract is not installed (apt-get install tesseract-ocr)');
    for (const [k, q] of QUIZ.questions.entries()) {
      const frame = join(dir, `q${k}.png`);
      const t = starts[1 + 3 * k]! + 1;
      // The question's band of the frame, grey and enlarged: what OCR reads best.
      const crop = `crop=${W}:${Math.round(H * 0.3)}:0:${Math.round(H * 0.13)},scale=iw*4:ih*4:flags=bicubic,format=gray`;
      await ffmpeg(['-ss', t.toFixed(3), '-i', output, '-frames:v', '1', '-vf', crop, frame]);
      const { stdout } = await run('tesseract', [frame, '-', '--psm', '6']);
      const words = (s: string) =>
        s
          .toLowerCase()
          .replace(/[^a-z ]/g, ' ')
          .split(/\s+/)
          .filter(Boolean);
      const read = words(stdout).join(' ');
      expect(read, `OCR read ${JSON.stringify(stdout)}`).toContain(words(q.question).join(' '));
    }
  });

  it("changes the correct answer's box colour at the reveal (pixel check)", async () => {
    for (const [k, q] of QUIZ.questions.entries()) {
      const m = Math.round(W * 0.05);
      const gap = Math.round(W * 0.02);
      const boxW = Math.floor((W - 2 * m - gap) / 2);
      const top = Math.round(H * 0.45);
      const boxH = Math.floor((Math.round(H * 0.93) - top - gap) / 2);
      const x = m + (q.correct % 2) * (boxW + gap) + 3;
      const y = top + Math.floor(q.correct / 2) * (boxH + gap) + 3;
      const question = await pixel(output, starts[1 + 3 * k]! + 1, x, y);
      const reveal = await pixel(output, starts[3 + 3 * k]! + 0.8, x, y);
      expect(near(question, QUIZ.colors.primary), `question ${k}: ${question.join(',')}`).toBe(true);
      expect(near(reveal, QUIZ.colors.correct), `reveal ${k}: ${reveal.join(',')}`).toBe(true);
      // The other answers keep their colour.
      const other = await pixel(
        output,
        starts[3 + 3 * k]! + 0.8,
        m + ((q.correct + 1) % 2) * (boxW + gap) + 3,
        y,
      );
      expect(near(other, QUIZ.colors.primary)).toBe(true);
    }
  });

  it('is not silent while a question is read, and silent in the countdown (espeak-ng)', async (ctx) => {
    if (!espeak) ctx.skip('espeak-ng is not installed: the video is silent by design');
    for (let k = 0; k < QUIZ.questions.length; k++) {
      expect(await loudest(output, starts[1 + 3 * k]! + 0.5, 1.5)).toBeGreaterThan(-30);
      expect(await loudest(output, starts[2 + 3 * k]! + 0.1, 0.8)).toBeLessThan(-60);
    }
  });
});
