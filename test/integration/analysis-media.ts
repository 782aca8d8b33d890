import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drumTrack } from '../../bench/lib/drum-track.js';
import { sceneVideoArgs, type SceneTruth } from '../../bench/lib/scene-video.js';
import { encodeWav } from '../../bench/lib/wav.js';
import type { ExecutorContext, Pipeline, PlanContext, TaskGraph } from '../../src/engine/types.js';
import { runFfmpeg } from '../../src/media/run.js';
import type { Storage } from '../../src/storage/types.js';

/** Tiny media for the analysis integration tests, generated at test time. */
export async function makeWorkDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'framefleet-analysis-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** 320x180, 30 fps, ~9 s: hard cuts, a flash, a dissolve and a fast continuous shot, with grain. */
export async function makeSceneClip(dir: string): Promise<{ path: string; truth: SceneTruth }> {
  const path = join(dir, 'scenes.mp4');
  const { args, truth } = sceneVideoArgs({
    path,
    width: 320,
    height: 180,
    fps: 30,
    grain: 8,
    segments: [
      { source: 'testsrc2=s={w}x{h}:r={r},scroll=h=0.004', seconds: 1.5 },
      { source: 'smptehdbars=s={w}x{h}:r={r},scroll=h=0.01', seconds: 1.5, flashAt: 0.7 },
      { source: 'mandelbrot=s={w}x{h}:r={r}', seconds: 1.5 },
      { source: 'testsrc=s={w}x{h}:r={r},hue=h=90', seconds: 1.5, enter: 'dissolve', dissolveSec: 0.6 },
      { source: 'testsrc2=s={w}x{h}:r={r},scroll=h=0.03:v=0.02', seconds: 2, continuous: true },
      { source: 'life=s=80x45:r={r}:mold=10:ratio=0.5:seed=3', seconds: 1 },
    ],
  });
  await runFfmpeg(args, { label: 'make scene clip' });
  return { path, truth };
}

/** A 12 s drum track at `bpm` as WAV, with its true beat times. */
export async function makeDrumWav(dir: string, bpm: number): Promise<{ path: string; beats: number[] }> {
  const track = drumTrack({ name: `test-${bpm}`, bpm, seconds: 12, syncopation: true, seed: 42 }, 22050);
  const path = join(dir, `drums-${bpm}.wav`);
  await writeFile(path, encodeWav(track.samples, track.sampleRate));
  return { path, beats: track.beats };
}

export async function makeSilentAudio(dir: string): Promise<string> {
  const path = join(dir, 'silent.m4a');
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '4', '-c:a', 'aac', path]);
  return path;
}

export async function makeVideoOnly(dir: string): Promise<string> {
  const path = join(dir, 'video-only.mp4');
  await runFfmpeg([
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=160x90:r=25',
    '-t',
    '1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    path,
  ]);
  return path;
}

/** The first 3 KB of a real MP4 with its index at the end: a truncated download. */
export async function makeCorrupt(dir: string, source: string): Promise<string> {
  const path = join(dir, 'corrupt.mp4');
  const bytes = await readFile(source);
  await writeFile(path, bytes.subarray(0, 3000));
  return path;
}

const silentLog = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** A plan context for the analysis pipelines: they return results as task outputs, never touch storage. */
export const planCtx: PlanContext = {
  jobId: 'job',
  scratchPrefix: 'scratch/job/',
  storage: {} as Storage,
  signal: new AbortController().signal,
  log: silentLog,
  capabilities: { encoders: [], hwaccels: [], devices: ['cpu'], slots: 2 },
};

/** Runs an analysis job's task graph in dependency order in this process, as the local engine would. */
export async function runAnalysisGraph(
  scratchDir: string,
  p: Pipeline,
  spec: unknown,
  graph: TaskGraph,
): Promise<unknown> {
  const outputs: Record<string, unknown> = {};
  const pending = [...graph.tasks];
  while (pending.length > 0) {
    const index = pending.findIndex((t) => t.dependsOn.every((d) => d in outputs));
    const [task] = pending.splice(index, 1);
    const ctx: ExecutorContext = {
      jobId: 'job',
      taskId: task!.id,
      attempt: 1,
      workerId: 'test',
      signal: new AbortController().signal,
      storage: planCtx.storage,
      scratchDir,
      inputs: Object.fromEntries(task!.dependsOn.map((d) => [d, outputs[d]])),
      spec,
      scratchPrefix: 'scratch/job/',
      progress: () => {},
      log: silentLog,
      expand: () => {
        throw new Error('analysis tasks do not expand');
      },
    };
    outputs[task!.id] = await p.executors[task!.kind]!(task!.payload, ctx);
  }
  return outputs[graph.rootTaskId];
}
