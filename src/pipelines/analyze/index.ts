import type { Pipeline } from '../../engine/types.js';
import { beatsPipeline } from './beats-pipeline.js';
import { proxyPipeline } from './proxy-pipeline.js';
import { scenesPipeline } from './scenes-pipeline.js';

export { beatsPipeline } from './beats-pipeline.js';
export { proxyPipeline } from './proxy-pipeline.js';
export { scenesPipeline } from './scenes-pipeline.js';
export * from './measure-beats.js';
export * from './measure-scenes.js';
export * from './spec-schemas.js';

/** The analysis job types: analyze.scenes, analyze.beats and proxy. */
export const analyzePipelines: Pipeline[] = [scenesPipeline, beatsPipeline, proxyPipeline] as Pipeline[];
