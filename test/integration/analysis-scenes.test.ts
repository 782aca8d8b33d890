import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SceneTruth } from '../../bench/lib/scene-video.js';
import { FramefleetError } from '../../src/errors.js';
import { aggregateScenes, analyzeScenes, measureScenes } from '../../src/pipelines/analyze/index.js';
import { DEFAULT_SCENE_OPTIONS, EDGE_WEIGHT, type SceneResult } from '../../src/analysis/scenes/index.js';
import { makeCorrupt, makeSceneClip, makeSilentAudio, makeWorkDir } from './analysis-media.js';

let work: Awaited<ReturnType<typeof makeWorkDir>>;
let clip: { path: string; truth: SceneTruth };
let whole: SceneResult;

beforeAll(async () => {
  work = await makeWorkDir();
  clip = await makeSceneClip(work.dir);
  whole = await analyzeScenes(clip.path, { parallel: 1 });
});
afterAll(() => work.cleanup());

describe('scene detection on generated footage', () => {
  it('finds every hard cut within a frame and nothing else hard', () => {
    const hard = whole.cuts.filter((c) => c.kind === 'hard').map((c) => c.frame);
    expect(hard).toHaveLength(clip.truth.hardCuts.length);
    hard.forEach((frame, i) => expect(Math.abs(frame - clip.truth.hardCuts[i]!)).toBeLessThanOrEqual(1));
  });

  it('does not report the camera flash as a cut', () => {
    const flash = clip.truth.flashes[0]!;
    expect(whole.cuts.some((c) => Math.abs(c.frame - flash) <= 4)).toBe(false);
  });

  it('reports the dissolve once, as a gradual transition', () => {
    const [dissolve] = clip.truth.gradual;
    const inside = whole.cuts.filter((c) => c.frame >= dissolve!.start - 2 && c.frame <= dissolve!.end + 2);
    expect(inside).toHaveLength(1);
    expect(inside[0]!.kind).toBe('gradual');
  });

  it('reports no cut inside the continuous fast shot', () => {
    const [shot] = clip.truth.continuous;
    expect(whole.cuts.some((c) => c.frame > shot!.start + 1 && c.frame < shot!.end - 1)).toBe(false);
  });

  it('gives per-shot statistics covering every frame', () => {
    expect(whole.frames).toBe(clip.truth.frames);
    expect(whole.shots).toHaveLength(whole.cuts.length + 1);
    expect(whole.shots.reduce((n, s) => n + s.endFrame - s.startFrame, 0)).toBe(clip.truth.frames);
    for (const shot of whole.shots) {
      expect(shot.brightness).toBeGreaterThan(0);
      expect(shot.sharpness).toBeGreaterThan(0);
    }
    const fast = whole.shots.find((s) => s.startFrame === clip.truth.continuous[0]!.start)!;
    const slow = whole.shots[0]!;
    expect(fast.meanMotion).toBeGreaterThan(slow.meanMotion);
  });

  it('gives exactly the unsharded result from 3 shards, merged in any order', async () => {
    const partials = await Promise.all(
      [0, 1, 2].map((i) => measureScenes(clip.path, { shardIndex: i, shardCount: 3 })),
    );
    expect(new Set(partials.map((p) => p.shard.start)).size).toBe(3);
    // Through JSON, as partials travel between workers.
    const travelled = JSON.parse(JSON.stringify([partials[2], partials[0], partials[1]]));
    expect(aggregateScenes(travelled)).toEqual(whole);
  });

  it('gives exactly the one-pass result from 3 decoders split at keyframes', async () => {
    let progress = 0;
    const parallel = await analyzeScenes(clip.path, {
      parallel: 3,
      minShardFrames: 64,
      onProgress: (f) => (progress = Math.max(progress, f)),
    });
    expect(parallel).toEqual(whole);
    expect(progress).toBeGreaterThan(0.9);
  });

  it('finds the same cuts with edge change in the score', async () => {
    const withEdges = await analyzeScenes(clip.path, {
      edges: true,
      scene: { weights: { ...DEFAULT_SCENE_OPTIONS.weights, edges: EDGE_WEIGHT } },
    });
    expect(withEdges.cuts.map((c) => [c.frame, c.kind])).toEqual(whole.cuts.map((c) => [c.frame, c.kind]));
  });

  it('refuses a partial set with a shard missing', async () => {
    const first = await measureScenes(clip.path, { shardIndex: 0, shardCount: 2 });
    expect(() => aggregateScenes([first])).toThrow(/expected 2 partials|do not join/);
  });

  it('fails with one clear error on corrupt and video-less input', async () => {
    const corrupt = await makeCorrupt(work.dir, clip.path);
    await expect(analyzeScenes(corrupt)).rejects.toMatchObject({ code: 'INPUT_CORRUPT' });
    const audioOnly = await makeSilentAudio(work.dir);
    const error = await analyzeScenes(audioOnly).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FramefleetError);
    expect((error as FramefleetError).code).toBe('NO_VIDEO_STREAM');
    expect((error as FramefleetError).message).not.toContain('\n');
  });
});
