import { withInput } from '../job-files.js';
import type { Pipeline, Requirements, TaskGraph, TaskSpec } from '../../engine/types.js';
import {
  DEFAULT_SCENE_OPTIONS,
  EDGE_WEIGHT,
  measureReach,
  planShards,
  type ScenePartial,
  type SceneResult,
} from '../../analysis/scenes/index.js';
import { FramefleetError, show } from '../../errors.js';
import { probe } from '../../media/probe.js';
import { rationalValue } from '../../media/rational.js';
import { aggregateScenes, measureScenes } from './measure-scenes.js';
import { parseWith, scenesSpecSchema, type ScenesSpec } from './spec-schemas.js';

export interface SceneShardPayload {
  path: string;
  shardIndex: number;
  shardCount: number;
  edges: boolean;
  hwaccel: ScenesSpec['hwaccel'];
}

export interface SceneAggregatePayload {
  path: string;
  shardTaskIds: string[];
  threshold?: number;
  minShotFrames?: number;
  edges?: boolean;
}

export interface SceneCollectPayload {
  aggregateTaskIds: string[];
}

function requirements(hwaccel: ScenesSpec['hwaccel']): Requirements {
  if (hwaccel === 'cuda') return { device: 'nvidia', features: ['hwaccel:cuda'] };
  if (hwaccel === 'qsv') return { device: 'intel', features: ['hwaccel:qsv'] };
  if (hwaccel === 'vaapi') return { features: ['hwaccel:vaapi'] };
  return { device: 'cpu' };
}

/**
 * analyze.scenes: per file, one measuring task per time shard (any worker) and one aggregate
 * that merges them and runs the detector; with several files, a collect task lists the results.
 */
export const scenesPipeline: Pipeline<ScenesSpec> = {
  type: 'analyze.scenes',
  parseSpec: (input) => parseWith(scenesSpecSchema, 'analyze.scenes', input),

  async plan(spec, ctx): Promise<TaskGraph> {
    const tasks: TaskSpec[] = [];
    const aggregates: string[] = [];
    for (const [f, path] of spec.inputs.entries()) {
      const info = await withInput(path, ctx, (local) => probe(local, { signal: ctx.signal }));
      if (!info.video)
        throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(path)} has no video stream to analyse`);
      // Variable-frame-rate video is cut into shards by its frames' own times; without a time for
      // every frame it runs as one.
      const { variableFrameRate, frameTimes, frameCount } = info.video;
      const requested = variableFrameRate && frameTimes?.length !== frameCount ? 1 : spec.shards;
      if (requested < spec.shards)
        ctx.log.warn({ path }, 'variable frame rate without a time for each frame: analysing in one shard');
      const reach = measureReach({}, rationalValue(info.video.frameRate));
      const shards = planShards(info.video.frameCount, requested, reach);
      const shardIds: string[] = [];
      for (const shard of shards) {
        const id = `scenes-${f}-shard-${shard.index}`;
        shardIds.push(id);
        const payload: SceneShardPayload = {
          path,
          shardIndex: shard.index,
          shardCount: shards.length,
          edges: spec.edges,
          hwaccel: spec.hwaccel,
        };
        tasks.push({
          id,
          kind: 'analyze.scenes.shard',
          payload,
          requires: requirements(spec.hwaccel),
          dependsOn: [],
          weight: shard.decodeEnd - shard.decodeStart,
        });
      }
      const aggregateId = `scenes-${f}-aggregate`;
      const payload: SceneAggregatePayload = {
        path,
        shardTaskIds: shardIds,
        threshold: spec.threshold,
        minShotFrames: spec.minShotFrames,
        edges: spec.edges,
      };
      tasks.push({
        id: aggregateId,
        kind: 'analyze.scenes.aggregate',
        payload,
        requires: { device: 'cpu' },
        dependsOn: shardIds,
        weight: 1,
      });
      aggregates.push(aggregateId);
    }
    if (aggregates.length === 1) return { tasks, rootTaskId: aggregates[0]! };
    const collect: SceneCollectPayload = { aggregateTaskIds: aggregates };
    tasks.push({
      id: 'scenes-collect',
      kind: 'analyze.scenes.collect',
      payload: collect,
      requires: { device: 'cpu' },
      dependsOn: aggregates,
      weight: 1,
    });
    return { tasks, rootTaskId: 'scenes-collect' };
  },

  executors: {
    'analyze.scenes.shard': async (payload, ctx) => {
      const p = payload as SceneShardPayload;
      const partial = await withInput(p.path, ctx, (local) =>
        measureScenes(local, {
          shardIndex: p.shardIndex,
          shardCount: p.shardCount,
          edges: p.edges,
          hwaccel: p.hwaccel,
          signal: ctx.signal,
          onProgress: (fraction) => ctx.progress({ fraction }),
        }),
      );
      // A stored input was read from a cached download; results name what the user gave.
      return { ...partial, source: { ...partial.source, path: p.path } };
    },
    'analyze.scenes.aggregate': async (payload, ctx) => {
      const p = payload as SceneAggregatePayload;
      const partials = p.shardTaskIds.map((id) => {
        const output = ctx.inputs[id] as ScenePartial | undefined;
        if (!output)
          throw new FramefleetError(
            'INTERNAL',
            `aggregate of ${show(p.path)} is missing the output of task ${show(id)}`,
          );
        return output;
      });
      return aggregateScenes(partials, {
        ...(p.threshold !== undefined ? { threshold: p.threshold } : {}),
        ...(p.minShotFrames !== undefined ? { minShotFrames: p.minShotFrames } : {}),
        ...(p.edges ? { weights: { ...DEFAULT_SCENE_OPTIONS.weights, edges: EDGE_WEIGHT } } : {}),
      });
    },
    'analyze.scenes.collect': async (payload, ctx) => {
      const p = payload as SceneCollectPayload;
      return { kind: 'scenes-list', results: p.aggregateTaskIds.map((id) => ctx.inputs[id] as SceneResult) };
    },
  },
};
