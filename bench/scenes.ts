/**
 * Scene-cut benchmark: a 720p reel with known cuts (camera motion, grain, two flashes, a
 * dissolve, a long fast shot), scored by precision/recall/F1 (a cut counts within 2 frames)
 * and frames per second, next to PySceneDetect's ContentDetector on the same file in the same run.
 *
 * The peer is optional and never part of this repository. To get it:
 *   git clone https://github.com/Breakthrough/PySceneDetect /tmp/pyscenedetect   (any checkout
 *   with its `scenedetect/` package; `git archive HEAD scenedetect | tar -x -C /tmp/pyscenedetect`
 *   from a mirror works too), and `apt-get install python3-opencv` for Debian's /usr/bin/python3.
 * Point PYSCENEDETECT_DIR elsewhere if needed. Without it the bench prints why and goes on.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SceneResult } from '../src/analysis/scenes/index.js';
import { analyzeScenes } from '../src/pipelines/analyze/index.js';
import { runFfmpeg } from '../src/media/run.js';
import { cpuSeconds } from './lib/cpu-time.js';
import { scoreCuts, type CutScore } from './lib/cut-score.js';
import { BENCH_SEGMENTS, sceneVideoArgs, type SceneTruth } from './lib/scene-video.js';

const exec = promisify(execFile);
const PYTHON = '/usr/bin/python3';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The reel: 720p, film grain, encoded at a distribution-like 6 Mb/s. */
const REEL = {
  width: 1280,
  height: 720,
  fps: 30,
  grain: 8,
  crf: 23,
  maxrate: '6M',
  segments: BENCH_SEGMENTS,
};

async function benchVideo(): Promise<{ path: string; truth: SceneTruth }> {
  const dir = join(process.cwd(), 'bench', '.work', 'scenes');
  await mkdir(dir, { recursive: true });
  // Cached by content: a change to the reel's recipe makes a new file.
  const recipe = createHash('sha1').update(JSON.stringify(REEL)).digest('hex').slice(0, 10);
  const path = join(dir, `reel-${recipe}.mp4`);
  const { args, truth } = sceneVideoArgs({ path, ...REEL });
  if (!(await exists(path))) {
    process.stdout.write('generating the 720p test reel (once; cached in bench/.work/scenes)...\n');
    await runFfmpeg(args, { label: 'generate scene bench reel' });
  }
  return { path, truth };
}

function line(name: string, score: CutScore, frames: number, seconds: number, extra = ''): string {
  return (
    `${name.padEnd(24)} P ${score.precision.toFixed(3)}  R ${score.recall.toFixed(3)}  F1 ${score.f1.toFixed(3)}  ` +
    `(tp ${score.truePositives} fp ${score.falsePositives} fn ${score.falseNegatives})  flash cuts ${score.flashCuts}  ` +
    `cuts in continuous shot ${score.continuousCuts}  dissolve ${score.dissolveFound ? 'found' : 'missed'}  ` +
    `${(frames / seconds).toFixed(0)} fps${extra}\n`
  );
}

interface PeerRun {
  cuts: number[];
  frames: number;
  seconds: number;
  cpuSeconds: number;
}

const ROUNDS = 2;

async function peer(path: string): Promise<PeerRun | string> {
  const dir = process.env.PYSCENEDETECT_DIR ?? '/tmp/pyscenedetect';
  if (!(await exists(join(dir, 'scenedetect', '__init__.py')))) {
    return `PySceneDetect not found in ${dir} (set PYSCENEDETECT_DIR; see bench/scenes.ts)`;
  }
  if (!(await exists(PYTHON))) return `${PYTHON} not found (Debian python3 with python3-opencv)`;
  try {
    const script = join(process.cwd(), 'bench', 'lib', 'pyscenedetect-peer.py');
    const { stdout } = await exec(PYTHON, [script, dir, path], { maxBuffer: 1 << 24, timeout: 30 * 60_000 });
    return JSON.parse(stdout) as PeerRun;
  } catch (error) {
    return `PySceneDetect failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

export async function run(): Promise<void> {
  const { path, truth } = await benchVideo();
  process.stdout.write(
    `reel: ${truth.frames} frames 1280x720@30, ${truth.hardCuts.length} hard cuts, ${truth.flashes.length} flashes, ` +
      `1 dissolve, continuous fast shot ${truth.continuous[0]!.start}-${truth.continuous[0]!.end}\n`,
  );
  // Two alternating rounds, best time of each: the shared machine's load comes and goes.
  let oursSeconds = Infinity;
  let peerSeconds = Infinity;
  let oursCpu: number | undefined = Infinity;
  let peerCpu = Infinity;
  let ours: SceneResult | undefined;
  let other: PeerRun | string = 'not run';
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const cpuStarted = cpuSeconds();
    ours = await analyzeScenes(path);
    oursSeconds = Math.min(oursSeconds, (performance.now() - started) / 1000);
    const cpuDone = cpuSeconds();
    oursCpu =
      cpuStarted === undefined || cpuDone === undefined
        ? undefined
        : Math.min(oursCpu ?? Infinity, cpuDone - cpuStarted);
    other = await peer(path);
    if (typeof other !== 'string') {
      peerSeconds = Math.min(peerSeconds, other.seconds);
      peerCpu = Math.min(peerCpu, other.cpuSeconds);
    }
  }
  if (!ours) return;
  const hard = ours.cuts.filter((c) => c.kind === 'hard').map((c) => c.frame);
  const gradual = ours.cuts.filter((c) => c.kind === 'gradual').map((c) => c.frame);
  const oursScore = scoreCuts(hard, truth, 2, gradual);
  process.stdout.write(
    line('framefleet (1 worker)', oursScore, ours.frames, oursSeconds, ` (${oursSeconds.toFixed(1)} s)`),
  );
  if (typeof other === 'string') {
    process.stdout.write(`PySceneDetect            skipped: ${other}\n`);
    return;
  }
  const peerScore = scoreCuts(other.cuts, truth);
  process.stdout.write(
    line('PySceneDetect content', peerScore, other.frames, peerSeconds, ` (${peerSeconds.toFixed(1)} s)`),
  );
  process.stdout.write(
    `speed ratio framefleet / PySceneDetect: wall ${(peerSeconds / oursSeconds).toFixed(2)}x` +
      (oursCpu !== undefined
        ? `, CPU time ${(peerCpu / oursCpu).toFixed(2)}x (ours ${oursCpu.toFixed(1)} CPU s incl. ffmpeg, peer ${peerCpu.toFixed(1)} CPU s)`
        : '') +
      ` (best of ${ROUNDS} alternating runs each)\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
