import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cpuSeconds } from './lib/cpu-time.js';
import { encoderByName } from '../src/media/encoders/catalogue.js';
import { renderTasks } from '../src/pipelines/render/layout.js';
import { removeSpeechDir, speak, speechDir } from '../src/pipelines/render/narration.js';
import type { ScenesPayload } from '../src/pipelines/render/payloads.js';
import { piecesGraph } from '../src/pipelines/render/pieces-graph.js';
import { sceneStarts } from '../src/pipelines/render/plan.js';
import { parseRenderSpec, type Quiz } from '../src/pipelines/render/spec.js';
import { triviaTimeline, type Spoken } from '../src/pipelines/render/trivia.js';

/**
 * `npm run bench -- render`. (1) A trivia video (10 questions, 720p30): framefleet's scene-parallel
 * render against plainly re-encoding its finished output with the same x264 settings, the cost of
 * composition. (2) A batch of short quizzes: framefleet `--batch` against one ffmpeg command per
 * video drawing the same frames (the same filtergraphs, concatenated in one process) and mixing the
 * same espeak-ng narration, one video after another: videos per hour. Medians of BENCH_RUNS.
 */
const WORK = resolve('bench/.work/render');
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const QUESTIONS = Number(process.env.BENCH_RENDER_QUESTIONS ?? 10);
const BATCH = Number(process.env.BENCH_RENDER_BATCH ?? 20);
const CLI = resolve('dist/cli/index.js');
/** Which parts run: `video` (composition cost), `batch` (videos per hour); both by default. */
const PARTS = (process.env.BENCH_RENDER_PARTS ?? 'video,batch').split(',');
// What a render spec defaults to (quality 70, balanced: x264 medium CRF 23), for both sides.
const SETTINGS = { quality: 70, preset: 'balanced' as const, gopFrames: 60 };

interface Cost {
  wall: number;
  /** CPU seconds of the command and its children (NaN without /proc). */
  cpu: number;
}

function timed(cmd: string, args: string[]): Promise<Cost> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const cpu = cpuSeconds() ?? NaN;
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-3000)));
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${cmd} ${args.slice(0, 6).join(' ')}... exited ${code}: ${stderr}`));
      else
        done({
          wall: Number(process.hrtime.bigint() - started) / 1e9,
          cpu: (cpuSeconds() ?? NaN) - cpu,
        });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const x264 = encoderByName('libx264')!;

function quiz(n: number, seed: number): Record<string, unknown> {
  const questions = Array.from({ length: n }, (_, k) => ({
    question: `Question ${seed}-${k}: which of these numbers is the largest one of all four?`,
    answers: [`${k + 1}`, `${k + 20}`, `${k + 3}`, `${k + 4}`],
    correct: 1,
  }));
  return { title: `Benchmark quiz ${seed}`, countdownSeconds: 3, questions };
}

/** The peer: one ffmpeg per video drawing the same scene pieces in one graph, with the same narration. */
async function onePass(
  data: Record<string, unknown>,
  output: string,
  frame: { width: number; height: number; fps: number },
): Promise<{ args: string[]; dir: string }> {
  const spec = parseRenderSpec({ output, template: 'trivia', quiz: data, ...frame });
  const q: Quiz = spec.quiz!;
  const dir = await speechDir();
  const lines = triviaTimeline(q, frame).cues;
  const spoken: Spoken[] = q.questions.map(() => ({}));
  const wavs: string[] = [];
  for (const [i, cue] of lines.entries()) {
    const s = await speak(cue.line, q.voice, q.speed, dir, `l${i}`);
    wavs.push(s.path);
    spoken[Math.floor(i / 2)]![i % 2 === 0 ? 'question' : 'reveal'] = s.durationSec;
  }
  const { scenes, cues } = triviaTimeline(q, frame, spoken);
  const starts = sceneStarts(scenes, frame.fps);
  const { tasks, totalFrames } = renderTasks({
    scenes,
    frame,
    encoder: 'libx264',
    device: 'cpu',
    settings: SETTINGS,
    tracks: [],
    output,
    inputs: [],
    overwrite: true,
    faststart: true,
    format: 'mp4',
    scratchPrefix: '',
  });
  const pieces = tasks.flatMap((t) => (t.kind === 'render.scene' ? (t.payload as ScenesPayload).pieces : []));
  const graph = piecesGraph(pieces, frame, (k) => ({
    local: (p: string) => p,
    font: () => '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    textDir: join(dir, `t${k}`),
  }));
  for (const f of graph.texts) {
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(f.path, f.content);
  }
  const args = [...graph.inputs];
  const chains = [...graph.chains];
  let inputs = graph.inputCount;
  const audio = cues.map((cue, i) => {
    args.push('-i', wavs[i]!);
    const at = Math.round((starts[cue.scene]! + cue.offset) * 1000);
    return `[${inputs++}:a]aformat=sample_rates=48000:channel_layouts=stereo,adelay=${at}:all=1[n${i}]`;
  });
  chains.push(
    ...audio,
    `${cues.map((_, i) => `[n${i}]`).join('')}amix=inputs=${cues.length}:duration=longest:normalize=0,apad,atrim=0:${(totalFrames / frame.fps).toFixed(6)}[a]`,
  );
  const ffArgs = [
    ...args,
    '-filter_complex',
    chains.join(';'),
    '-map',
    `[${graph.out}]`,
    '-map',
    '[a]',
    '-frames:v',
    String(totalFrames),
    '-c:v',
    'libx264',
    ...x264.args(SETTINGS),
    '-c:a',
    'aac',
    '-b:a',
    '160k',
    '-y',
    output,
  ];
  return { args: ffArgs, dir };
}

export async function run(): Promise<void> {
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const quizFile = join(WORK, 'quiz.json');
  await writeFile(quizFile, JSON.stringify(quiz(QUESTIONS, 0)));
  const video = join(WORK, 'trivia.mp4');
  if (PARTS.includes('video')) await composition(quizFile, video);
  if (PARTS.includes('batch')) await batch();
}

async function composition(quizFile: string, video: string): Promise<void> {
  const renderTimes: Cost[] = [];
  const plainTimes: Cost[] = [];
  for (let i = 0; i < RUNS; i++) {
    renderTimes.push(
      await timed(process.execPath, [
        CLI,
        'render',
        '--template',
        'trivia',
        quizFile,
        '-o',
        video,
        '-y',
        '--width',
        '1280',
        '--height',
        '720',
        '--fps',
        '30',
        '--encoder',
        'libx264',
        '--data-dir',
        join(WORK, `data-${i}`),
        '--quiet',
      ]),
    );
    const plain = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      video,
      '-map',
      '0:v:0',
      '-map',
      '0:a:0',
      '-c:v',
      'libx264',
      ...x264.args({ ...SETTINGS, quality: 70, preset: 'balanced' }),
      '-c:a',
      'copy',
      join(WORK, 'plain.mp4'),
    ];
    plainTimes.push(await timed('ffmpeg', plain));
  }
  const r = median(renderTimes.map((c) => c.wall));
  const p = median(plainTimes.map((c) => c.wall));
  const rc = median(renderTimes.map((c) => c.cpu));
  const pc = median(plainTimes.map((c) => c.cpu));
  process.stdout.write(
    `trivia ${QUESTIONS} questions 720p30: framefleet render ${r.toFixed(1)} s wall ${rc.toFixed(1)} s cpu, plain re-encode ${p.toFixed(1)} s wall ${pc.toFixed(1)} s cpu, composition ratio ${(r / p).toFixed(2)} wall ${(rc / pc).toFixed(2)} cpu (target <= 1.3; load ${loadavg()[0]!.toFixed(1)})\n`,
  );
}

async function batch(): Promise<void> {
  const small = { width: 640, height: 360, fps: 30 };
  const jsonl = join(WORK, 'batch.jsonl');
  const quizzes = Array.from({ length: BATCH }, (_, i) => quiz(1, i + 1));
  await writeFile(jsonl, quizzes.map((q) => JSON.stringify(q)).join('\n') + '\n');
  // --out-dir must exist (a missing folder is a usage error).
  await mkdir(join(WORK, 'batch'), { recursive: true });
  const ourCost = await timed(process.execPath, [
    CLI,
    'render',
    '--template',
    'trivia',
    '--batch',
    jsonl,
    '--out-dir',
    join(WORK, 'batch'),
    '-y',
    '--width',
    '640',
    '--height',
    '360',
    '--encoder',
    'libx264',
    '--data-dir',
    join(WORK, 'batch-data'),
    '--quiet',
  ]);
  const peer: Cost = { wall: 0, cpu: 0 };
  for (const [i, q] of quizzes.entries()) {
    // The peer's narration and graph building count too (it speaks the same lines).
    const started = process.hrtime.bigint();
    const cpu = cpuSeconds() ?? NaN;
    const { args, dir } = await onePass(q, join(WORK, `peer-${i}.mp4`), small);
    await timed('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args]);
    await removeSpeechDir(dir);
    peer.wall += Number(process.hrtime.bigint() - started) / 1e9;
    peer.cpu += (cpuSeconds() ?? NaN) - cpu;
  }
  const perHour = (seconds: number) => (BATCH * 3600) / seconds;
  process.stdout.write(
    `batch of ${BATCH} one-question quizzes 640x360: framefleet ${perHour(ourCost.wall).toFixed(0)} videos/hour (${ourCost.wall.toFixed(1)} s wall, ${ourCost.cpu.toFixed(1)} s cpu), one ffmpeg per video ${perHour(peer.wall).toFixed(0)} videos/hour (${peer.wall.toFixed(1)} s wall, ${peer.cpu.toFixed(1)} s cpu), ratio ${(peer.wall / ourCost.wall).toFixed(2)} wall ${(peer.cpu / ourCost.cpu).toFixed(2)} cpu (target >= 1.0; load ${loadavg()[0]!.toFixed(1)})\n`,
  );
}
