import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateScenes, analyzeScenes, measureScenes } from '../../src/pipelines/analyze/measure-scenes.js';
import { probe } from '../../src/media/probe.js';
import { analyzePipelines } from '../../src/pipelines/analyze/index.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';
import { planCtx, runAnalysisGraph } from './analysis-media.js';

// Four 1.5 s shots at 30, 10, 30 and 5 fps in one variable-frame-rate file: cuts at 1.5, 3 and 4.5 s,
// where frame index / nominal rate would put them at 1.5, 2 and 3.5 s.
const SHOTS = [
  ['testsrc2', 30],
  ['mandelbrot', 10],
  ['smptebars', 30],
  ['rgbtestsrc', 5],
] as const;

describe('scene times of a variable-frame-rate video', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const inputs = SHOTS.flatMap(([source, rate]) => [
      '-f',
      'lavfi',
      '-i',
      `${source}=size=160x120:rate=${rate}`,
    ]);
    const chains = SHOTS.map((_, i) => `[${i}:v]trim=duration=1.5,setpts=PTS-STARTPTS,format=yuv420p[v${i}]`);
    const graph = `${chains.join(';')};${SHOTS.map((_, i) => `[v${i}]`).join('')}concat=n=4:v=1:a=0[out]`;
    await ffmpeg([
      ...inputs,
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-fps_mode',
      'vfr',
      ...FAST_X264,
      file('vfr.mp4'),
    ]);
    await ffmpeg(['-i', file('vfr.mp4'), '-c', 'copy', file('vfr.mkv')]);
  }, 60_000);
  afterAll(() => cleanup?.());

  it.each(['vfr.mp4', 'vfr.mkv'])("%s: cuts and shots at the frames' own times", async (name) => {
    const video = (await probe(file(name))).video!;
    expect(video.variableFrameRate).toBe(true);
    const result = await analyzeScenes(file(name));
    const hard = result.cuts.filter((c) => c.kind === 'hard');
    expect(hard.map((c) => c.time)).toEqual([1.5, 3, 4.5].map((t) => expect.closeTo(t, 1)));
    // Each shot lasts 1.5 s, to within one frame of its own rate (the last one's is 0.2 s).
    for (const [i, shot] of result.shots.entries())
      expect(Math.abs(shot.duration - 1.5)).toBeLessThan(i === 3 ? 0.21 : 0.05);
  });

  // --shards K on a variable-frame-rate file was refused (exit 2, 'analyse it in one pass'): shards
  // now seek by the frames' own times and carry them in their partials.
  it.each(['mp4', 'mkv'])('%s: 3 shards give exactly the one-pass result', async (ext) => {
    // The shots three times over (336 frames): long enough for 3 shards of at least 64 frames.
    const name = `vfr-3x.${ext}`;
    await ffmpeg(['-stream_loop', '2', '-i', file('vfr.mp4'), '-fps_mode', 'vfr', ...FAST_X264, file(name)]);
    expect((await probe(file(name))).video!.variableFrameRate).toBe(true);
    const whole = await analyzeScenes(file(name), { parallel: 1 });
    const partials = await Promise.all(
      [0, 1, 2].map((i) => measureScenes(file(name), { shardIndex: i, shardCount: 3 })),
    );
    expect(new Set(partials.map((p) => p.shard.start)).size).toBe(3);
    expect(aggregateScenes(partials.reverse())).toEqual(whole);
    expect(whole.cuts.filter((c) => c.kind === 'hard')).toHaveLength(11);
  });

  it('as a job (server, fleet), it is planned in the shards asked for, with the one-pass result', async () => {
    // The job pipeline still ran such a file as one shard after the CLI learned to split it.
    const p = analyzePipelines.find((x) => x.type === 'analyze.scenes')!;
    const spec = p.parseSpec({ inputs: [file('vfr-3x.mp4')], shards: 3 });
    const graph = await p.plan(spec, planCtx);
    expect(graph.tasks.filter((t) => t.kind === 'analyze.scenes.shard')).toHaveLength(3);
    const whole = await analyzeScenes(file('vfr-3x.mp4'), { parallel: 1 });
    expect(await runAnalysisGraph(dir, p, spec, graph)).toEqual(whole);
  });

  it('the CLI splits it into shards as asked', async () => {
    const { stdout, code, stderr } = await runCli(['analyze', 'scenes', file('vfr.mp4'), '--shards', '3']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/cuts at 1\.50s 3\.00s 4\.50s/);
  });

  it('the CLI summary gives the length in seconds from those times', async () => {
    const { stdout, code } = await runCli(['analyze', 'scenes', file('vfr.mp4')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\((5\.9|6\.0|6\.1) s\)/);
    expect(stdout).toMatch(/cuts at 1\.50s 3\.00s 4\.50s/);
  });
});
