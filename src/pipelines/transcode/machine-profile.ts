import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { binariesIdentity } from '../../media/binaries.js';
import { userCacheDir } from '../../media/user-cache.js';
import { runFfmpeg } from '../../media/run.js';
import { replaceFile } from '../../storage/replace-file.js';
import { planParallelism } from './plan-parallelism.js';

export { pairCores } from './plan-parallelism.js';

/** Wall and CPU seconds of one way of encoding the calibration clip (medians over the rounds). */
export interface Timing {
  wall: number;
  /** Undefined where the children's CPU time cannot be read (outside Linux). */
  cpu: number | undefined;
}

/**
 * What `framefleet calibrate` measured on this machine: whether two x264 encodes at once (each
 * half of a clip, each with half the cores) finish a 1080p clip sooner than one encode with every
 * core. Machines answer differently (a few per cent either way on 2-core VMs), so the planner
 * splits by default only where this says so.
 */
export interface MachineProfile {
  /** Host, CPU model, cores and ffmpeg binaries: a profile is used only on the machine that made it. */
  key: string;
  /** When it was measured (ms since the epoch). */
  at: number;
  cores: number;
  one: Timing;
  pair: Timing;
  /** The planner's answer: two encodes at once at 1080 rows and more. */
  pairs: boolean;
}

/** A measured profile stays valid this long (hardware and ffmpeg are also in its key). */
const MAX_AGE_MS = 90 * 24 * 3600_000;
/** The pair must win by this much wall time: noise on a busy VM is a few per cent. */
export const PAIR_WALL_MARGIN = 0.98;
/** ...without costing more than this many times the CPU seconds of one encode. */
export const PAIR_CPU_LIMIT = 1.08;
export const CALIBRATION_SECONDS = 8;

export function profileFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'machine-profile.json');
}

/** This machine and ffmpeg build (`binariesIdentity()`), as a profile is keyed. Pure but for the host facts. */
export function machineKey(cores: number, identity: string | undefined): string {
  const model = cpus()[0]?.model ?? 'unknown cpu';
  return `${hostname()}|${model}|${cores} cores|${identity ?? 'ffmpeg on PATH'}`;
}

/** What a profile file must hold to count: a hand-edited or cut one is ignored. */
const timingSchema = z.object({ wall: z.number().positive(), cpu: z.number().nonnegative().optional() });
const profileSchema = z.object({
  key: z.string(),
  at: z.number(),
  cores: z.number().int().positive(),
  one: timingSchema,
  pair: timingSchema,
  pairs: z.boolean(),
});

/** A usable profile, or why there is none (for `calibrate --show`; the planner only needs the profile). */
export type ProfileState =
  | { profile: MachineProfile }
  | { profile?: undefined; reason: 'missing' | 'invalid' | 'other-machine' | 'stale'; file: string };

/** The profile measured on this machine with these cores, if any and not stale. */
export async function readProfile(
  cores: number,
  identity: string | undefined,
  file = profileFile(),
  now = Date.now(),
): Promise<MachineProfile | undefined> {
  return (await profileState(cores, identity, file, now)).profile;
}

export async function profileState(
  cores: number,
  identity: string | undefined,
  file = profileFile(),
  now = Date.now(),
): Promise<ProfileState> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return { reason: 'missing', file };
  const parsed = profileSchema.safeParse(safeJson(text));
  if (!parsed.success) return { reason: 'invalid', file };
  const saved = parsed.data;
  if (saved.key !== machineKey(cores, identity)) return { reason: 'other-machine', file };
  if (!(now - saved.at <= MAX_AGE_MS)) return { reason: 'stale', file };
  return { profile: { ...saved, one: timing(saved.one), pair: timing(saved.pair) } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function timing(t: { wall: number; cpu?: number | undefined }): Timing {
  return { wall: t.wall, cpu: t.cpu };
}

/** Whether two at once pay: clearly sooner, not clearly dearer. Pure. */
export function choosePairs(one: Timing, pair: Timing): boolean {
  const cpuOk = one.cpu === undefined || pair.cpu === undefined || pair.cpu <= one.cpu * PAIR_CPU_LIMIT;
  return pair.wall <= one.wall * PAIR_WALL_MARGIN && cpuOk;
}

/** User plus system seconds of the children this process has waited for (Linux), else undefined. */
async function childrenCpu(): Promise<number | undefined> {
  const text = await readFile('/proc/self/stat', 'utf8').catch(() => undefined);
  if (!text) return undefined;
  // Fields after the command's closing parenthesis; cutime and cstime are the 16th and 17th of the line.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function timed(run: () => Promise<unknown>): Promise<Timing> {
  const cpu0 = await childrenCpu();
  const started = performance.now();
  await run();
  const wall = (performance.now() - started) / 1000;
  const cpu1 = await childrenCpu();
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}

/** A 1080p30 clip with motion (a moving test pattern) (x264 keyframes every 2 s), made once per cache folder. */
async function calibrationClip(dir: string, signal?: AbortSignal): Promise<string> {
  const file = join(dir, `calibration-1080p-${CALIBRATION_SECONDS}s.mp4`);
  if ((await stat(file).catch(() => undefined))?.isFile()) return file;
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp.mp4`;
  const source = `testsrc2=s=1920x1080:r=30:d=${CALIBRATION_SECONDS}`;
  await runFfmpeg(
    [
      ...['-y', '-f', 'lavfi', '-i', source, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18'],
      ...['-pix_fmt', 'yuv420p', '-g', '60', '-f', 'mp4', tmp],
    ],
    { label: 'make the calibration clip', timeoutMs: 300_000, signal },
  );
  await rename(tmp, file);
  return file;
}

export interface CalibrateOptions {
  cores: number;
  rounds?: number;
  signal?: AbortSignal;
  /** Each timed run, as it finishes. */
  onRun?: (mode: 'one' | 'pair', timing: Timing) => void;
  file?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Times the planner's two ways of encoding 1080p on this machine, alternating (one, pair, pair,
 * one, ...), with the threads the planner would give each (x264 medium, crf 23, output discarded),
 * and saves the answer where every later job on this machine reads it.
 */
export async function calibrate(options: CalibrateOptions): Promise<MachineProfile> {
  const cores = Math.max(1, Math.floor(options.cores));
  const clip = await calibrationClip(userCacheDir(), options.signal);
  const plan = (askedSegments: number | undefined) =>
    planParallelism({
      durationSec: CALIBRATION_SECONDS,
      height: 1080,
      family: 'x264',
      device: 'cpu',
      machineCores: cores,
      slots: cores,
      askedSegments,
    });
  const half = CALIBRATION_SECONDS / 2;
  const encode = (threads: number | undefined, range: string[]) =>
    runFfmpeg(
      [
        ...range.slice(0, 2),
        ...['-i', clip, ...range.slice(2), '-c:v', 'libx264', '-preset', 'medium', '-crf', '23'],
        ...(threads === undefined ? [] : ['-threads', String(threads)]),
        ...['-an', '-f', 'null', '-'],
      ],
      { label: 'calibration encode', timeoutMs: 600_000, signal: options.signal },
    );
  const one = () => encode(plan(undefined).threads, []);
  const pairThreads = plan(2).threads;
  const pair = () =>
    Promise.all([encode(pairThreads, ['-t', String(half)]), encode(pairThreads, ['-ss', String(half)])]);
  const runs: Record<'one' | 'pair', Timing[]> = { one: [], pair: [] };
  const rounds = Math.max(1, options.rounds ?? 3);
  for (let i = 0; i < rounds; i++) {
    for (const mode of i % 2 === 0 ? (['one', 'pair'] as const) : (['pair', 'one'] as const)) {
      const timing = await timed(mode === 'one' ? one : pair);
      runs[mode].push(timing);
      options.onRun?.(mode, timing);
    }
  }
  const summary = (xs: Timing[]): Timing => ({
    wall: median(xs.map((x) => x.wall)),
    cpu: xs.some((x) => x.cpu === undefined) ? undefined : median(xs.map((x) => x.cpu!)),
  });
  const oneT = summary(runs.one);
  const pairT = summary(runs.pair);
  const profile: MachineProfile = {
    key: machineKey(cores, await binariesIdentity()),
    at: Date.now(),
    cores,
    one: oneT,
    pair: pairT,
    pairs: choosePairs(oneT, pairT),
  };
  await replaceFile(options.file ?? profileFile(), `${JSON.stringify(profile, null, 2)}\n`);
  return profile;
}
