import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ExecutorContext, Pipeline, PlanContext, TaskGraph } from '../../src/engine/types.js';
import { analyzePipelines, analyzeScenes } from '../../src/pipelines/analyze/index.js';
import type { Storage } from '../../src/storage/types.js';
import { makeSceneClip, makeWorkDir } from './analysis-media.js';

let work: Awaited<ReturnType<typeof makeWorkDir>>;
let clipPath: string;

beforeAll(async () => {
  work = await makeWorkDir();
  clipPath = (await makeSceneClip(work.dir)).path;
});
afterAll(() => work.cleanup());

const pipeline = (type: string): Pipeline => analyzePipelines.find((p) => p.type === type)!;
const silentLog = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
// The analysis pipelines return their results as task outputs and never touch storage.
const noStorage = {} as Storage;

/** Runs a task graph in dependency order in this process, as the local engine would. */
async function runGraph(p: Pipeline, spec: unknown, graph: TaskGraph): Promise<unknown> {
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
      storage: noStorage,
      scratchDir: work.dir,
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

const planCtx: PlanContext = {
  jobId: 'job',
  scratchPrefix: 'scratch/job/',
  storage: noStorage,
  signal: new AbortController().signal,
  log: silentLog,
  capabilities: { encoders: [], hwaccels: [], devices: ['cpu'], slots: 2 },
};

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
    expect(await runGraph(p, spec, graph)).toEqual(await analyzeScenes(clipPath));
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
    const result = (await runGraph(p, spec, await p.plan(spec, planCtx))) as {
      height: number;
      frames: number;
    };
    expect(result.height).toBe(90);
    expect(result.frames).toBeGreaterThan(200);
    const verify = p.verifiers!.proxy!;
    expect(await verify(spec, result, { storage: noStorage, signal: planCtx.signal })).toBe(true);
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
