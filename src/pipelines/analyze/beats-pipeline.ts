import type { Pipeline, TaskSpec } from '../../engine/types.js';
import { withInput } from '../job-files.js';
import { analyzeBeatsFile } from './measure-beats.js';
import { beatsSpecSchema, parseWith, type BeatsSpec } from './spec-schemas.js';

/** analyze.beats: one task per file (audio is never chunked); a collect task for several files. */
export const beatsPipeline: Pipeline<BeatsSpec> = {
  type: 'analyze.beats',
  parseSpec: (input) => parseWith(beatsSpecSchema, 'analyze.beats', input),

  async plan(spec) {
    const tasks: TaskSpec[] = spec.inputs.map((path, f) => ({
      id: `beats-${f}`,
      kind: 'analyze.beats',
      payload: { path },
      requires: { device: 'cpu' },
      dependsOn: [],
      weight: 1,
    }));
    if (tasks.length === 1) return { tasks, rootTaskId: tasks[0]!.id };
    const ids = tasks.map((t) => t.id);
    tasks.push({
      id: 'beats-collect',
      kind: 'analyze.beats.collect',
      payload: { taskIds: ids },
      requires: { device: 'cpu' },
      dependsOn: ids,
      weight: 1,
    });
    return { tasks, rootTaskId: 'beats-collect' };
  },

  executors: {
    'analyze.beats': async (payload, ctx) => {
      const { path } = payload as { path: string };
      const result = await withInput(path, ctx, (local) => analyzeBeatsFile(local, { signal: ctx.signal }));
      // A stored input was read from a cached download; results name what the user gave.
      return { ...result, source: { path } };
    },
    'analyze.beats.collect': async (payload, ctx) => ({
      kind: 'beats-list',
      results: (payload as { taskIds: string[] }).taskIds.map((id) => ctx.inputs[id]),
    }),
  },
};
