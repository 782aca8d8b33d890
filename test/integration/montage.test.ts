import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/engine/types.js';
import { probe } from '../../src/media/probe.js';
import { decodePcm } from '../../src/media/decode-pcm.js';
import type { Edl } from '../../src/pipelines/montage/edl.js';
import { readOtioCuts } from '../../src/pipelines/montage/edl-export.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';
import { makeMontageClips, makeMontageMusic, type MontageClip } from '../../bench/lib/montage-media.js';

interface MontageLine {
  type: 'result';
  frames: number;
  entries: number;
  reusedEntries: number;
  renderedEntries: number;
  renderRuns: number;
  reusedRuns: number;
  analyses: number;
  cachedAnalyses: number;
  videoDurationSec: number;
  audioDurationSec: number;
  storyboard: string;
  editList: Edl;
  beats: number[];
}

const FPS = 30;
// Long enough for more than one render task (a run of entries holds at least 8 s).
const SECONDS = 20;

async function readJob(dataDir: string): Promise<JobRecord | undefined> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => []);
  if (ids.length !== 1) return undefined;
  const text = await readFile(join(dataDir, 'jobs', ids[0]!, 'manifest.json'), 'utf8').catch(() => '');
  try {
    return (JSON.parse(text) as { job: JobRecord }).job;
  } catch {
    return undefined;
  }
}

function resultLine(stdout: string): MontageLine {
  const line = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string })
    .find((l) => l.type === 'result');
  return line as MontageLine;
}

/** RMS level (dBFS) of the output's sound over [from, from + seconds). */
function level(samples: Float32Array, rate: number, from: number, seconds: number): number {
  const a = Math.round(from * rate);
  const b = Math.min(samples.length, Math.round((from + seconds) * rate));
  let sum = 0;
  for (let i = a; i < b; i++) sum += samples[i]! ** 2;
  return 10 * Math.log10(Math.max(1e-12, sum / Math.max(1, b - a)));
}

/** A baseline JPEG's height, from its start-of-frame (SOF0) segment. */
function jpegHeight(jpeg: Buffer): number | undefined {
  for (let i = 2; i + 9 < jpeg.length;) {
    if (jpeg[i] !== 0xff) return undefined;
    if (jpeg[i + 1] === 0xc0) return jpeg.readUInt16BE(i + 5);
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  return undefined;
}

describe('montage end to end', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clips: MontageClip[];
  let music: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-montage-'));
    await mkdir(join(dir, 'clips'));
    clips = await makeMontageClips(join(dir, 'clips'), { usable: 3, seconds: 3, size: '320x240', fps: FPS });
    music = (await makeMontageMusic(dir, 120, SECONDS + 2)).path;
  }, 120_000);
  afterAll(() => cleanup());

  const args = (name: string, seed = 1) => [
    'montage',
    '--clips',
    join(dir, 'clips'),
    '--music',
    music,
    '-o',
    join(dir, `${name}.mp4`),
    '--duration',
    String(SECONDS),
    '--height',
    '144',
    '--preset',
    'fast',
    '--seed',
    String(seed),
    '--edl',
    join(dir, `${name}.edl`),
    '--otio',
    join(dir, `${name}.otio`),
    '--workers',
    '1',
    '--data-dir',
    join(dir, 'data'),
  ];

  it('survives SIGKILL mid-render, cuts on beats, verifies, never picks black or blurred shots', async () => {
    const dataDir = join(dir, 'data');
    // Its own process group: SIGKILL takes ffmpeg down with it, as a container kill would.
    const child = spawn(process.execPath, [CLI, ...args('cut')], { detached: true, stdio: 'ignore' });
    const deadline = Date.now() + 150_000;
    let rendered = 0;
    while (Date.now() < deadline && rendered < 1) {
      await new Promise((r) => setTimeout(r, 200));
      const job = await readJob(dataDir);
      rendered = job?.tasks.filter((t) => t.kind === 'montage.render' && t.state === 'done').length ?? 0;
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('close', r));
    expect(rendered).toBeGreaterThanOrEqual(1);
    await expect(stat(join(dir, 'cut.mp4'))).rejects.toThrow();

    const run = await runCli([...args('cut'), '--json'], {}, 240_000);
    expect(run.code, run.stderr).toBe(0);
    const r = resultLine(run.stdout);
    // Finished runs are reused: each renders several consecutive entries.
    expect(r.renderRuns).toBeGreaterThanOrEqual(2);
    expect(r.renderRuns).toBeLessThan(r.entries);
    expect(r.reusedRuns).toBeGreaterThanOrEqual(1);
    expect(r.reusedEntries).toBeGreaterThan(r.reusedRuns);
    expect(r.renderedEntries + r.reusedEntries).toBe(r.entries);

    // Duration and frame count: the requested length, the sum of the entries.
    const edl = r.editList;
    const total = SECONDS * FPS;
    expect(edl.entries.reduce((n, e) => n + e.recordEnd - e.recordStart, 0)).toBe(total);
    const info = await probe(join(dir, 'cut.mp4'));
    expect(info.video!.frameCount).toBe(total);
    expect(Math.abs(info.video!.durationSec - SECONDS)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs(info.audio!.durationSec - info.video!.durationSec)).toBeLessThanOrEqual(
      1024 / 48000 + 1e-3,
    );

    // Every cut within one frame of a beat the music analysis found.
    expect(edl.entries.length).toBeGreaterThan(2);
    for (const e of edl.entries.slice(1)) {
      const t = e.recordStart / FPS;
      expect(Math.min(...r.beats.map((b) => Math.abs(b - t)))).toBeLessThanOrEqual(1 / FPS);
    }

    // The planted black and blurred clips are never chosen; no repeat before every used shot was used once.
    const names = (await readdir(join(dir, 'clips'))).sort();
    const planted = clips
      .filter((c) => c.kind !== 'motion')
      .map((c) => names.indexOf(c.path.split('/').pop()!));
    expect(edl.entries.some((e) => planted.includes(e.clip))).toBe(false);
    const distinct = new Set(edl.entries.map((e) => `${e.clip}/${e.shot}`)).size;
    const firstRound = edl.entries.slice(0, distinct).map((e) => `${e.clip}/${e.shot}`);
    expect(new Set(firstRound).size).toBe(distinct);

    // The music fades out over the last second.
    const pcm = await decodePcm({ path: join(dir, 'cut.mp4'), sampleRate: 8000 });
    const body = level(pcm, 8000, SECONDS - 2.5, 1.5);
    expect(body).toBeGreaterThan(-40);
    expect(body - level(pcm, 8000, SECONDS - 0.25, 0.25)).toBeGreaterThan(12);

    // Exports and storyboard beside the output.
    const otio = readOtioCuts(await readFile(join(dir, 'cut.otio'), 'utf8'));
    expect(otio.cuts.map((c) => c.recordStart)).toEqual(edl.entries.map((e) => e.recordStart));
    const cmx = await readFile(join(dir, 'cut.edl'), 'utf8');
    expect(cmx.match(/^\d{3} {2}AX {7}V /gm)).toHaveLength(edl.entries.length);
    // A JPEG (SOI marker) of the eight-across grid: one thumbnail per entry.
    const board = await readFile(r.storyboard);
    expect([...board.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const rows = Math.ceil(edl.entries.length / 8);
    expect(jpegHeight(board)).toBe(rows * (180 + 4) + 4);
  }, 420_000);

  it('a second montage of the same clips analyses nothing again and gives a byte-identical edit', async () => {
    const run = await runCli([...args('again'), '--json'], {}, 240_000);
    expect(run.code, run.stderr).toBe(0);
    const r = resultLine(run.stdout);
    expect(r.cachedAnalyses).toBe(r.analyses);
    expect(await readFile(join(dir, 'again.edl'))).toEqual(await readFile(join(dir, 'cut.edl')));
    expect(await readFile(join(dir, 'again.otio'))).toEqual(await readFile(join(dir, 'cut.otio')));
  }, 300_000);
});
