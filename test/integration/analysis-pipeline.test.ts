import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Pipeline } from '../../src/engine/types.js';
import { analyzePipelines, analyzeScenes } from '../../src/pipelines/analyze/index.js';
import { makeSceneClip, makeWorkDir, planCtx, runAnalysisGraph } from './analysis-media.js';

let work: Awaited<ReturnType<typeof makeWorkDir>>;
let clipPath: string;

beforeAll(async () => {
  work = await makeWorkDir();
  clipPath = (await makeSceneClip(work.dir)).path;
});
afterAll(() => work.cleanup());

const pipeline = (type: string): Pipeline => analyzePipelines.find((p) => p.type === type)!;
describe('analysis pipelines', () => {
  it('plans analyze.scenes as shard tasks and an aggregate, and gets the one-pass result', async () => {
    const p = pipeline('analyze.scenes');
    const spec = p.parseSpec({ inputs: [clipPath], shards: 3 });
    const graph = await p.plan(spec, planCtx);
    expect(graph.tasks.map((t) => t.kind)).toEqual([
      'analyze.scenes.shard',
      'analyze.scenes.shard',
      'analyze.scenes.shard',
      'analyze.scenes.aggregate',
    ]);
    expect(graph.tasks[3]!.dependsOn).toHaveLength(3);
    expect(await runAnalysisGraph(work.dir, p, spec, graph)).toEqual(await analyzeScenes(clipPath));
  });

  it('plans one task chain per file and a collect task for several files', async () => {
    const p = pipeline('analyze.scenes');
    const graph = await p.plan(p.parseSpec({ inputs: [clipPath, clipPath] }), planCtx);
    expect(graph.rootTaskId).toBe('scenes-collect');
    expect(graph.tasks.filter((t) => t.kind === 'analyze.scenes.aggregate')).toHaveLength(2);
  });

  it('makes a verified proxy as a job', async () => {
    const p = pipeline('proxy');
    const spec = p.parseSpec({ input: clipPath, output: join(work.dir, 'proxy.mp4'), height: 90 });
    const result = (await runAnalysisGraph(work.dir, p, spec, await p.plan(spec, planCtx))) as {
      height: number;
      frames: number;
    };
    expect(result.height).toBe(90);
    expect(result.frames).toBeGreaterThan(200);
    const verify = p.verifiers!.proxy!;
    expect(await verify(spec, result, { storage: planCtx.storage, signal: planCtx.signal })).toBe(true);
  });

  it('rejects bad specs with messages that echo the value', () => {
    const p = pipeline('analyze.scenes');
    expect(() => p.parseSpec({ inputs: ['a.mp4'], shards: 0 })).toThrow(
      'expected `shards` to be an integer from 1 to 64, got `0`',
    );
    expect(() => p.parseSpec({ inputs: [] })).toThrow(
      /expected `inputs` to be a list of 1 to 256 file paths/,
    );
    expect(() => p.parseSpec({ inputs: ['a.mp4'], hwaccel: 'metal' })).toThrow(/got `metal`/);
    expect(() => pipeline('proxy').parseSpec({ input: 'a', output: 'b', crf: 99 })).toThrow(
      'expected `crf` to be an integer from 0 to 51, got `99`',
    );
    expect(() => pipeline('analyze.beats').parseSpec({ inputs: ['a'], tempo: 1 })).toThrow(
      /unknown field `tempo`/,
    );
  });
});
