import { FramefleetError, show } from '../errors.js';
import type { Pipeline } from './types.js';

/** Job types by name; executors by task kind. Both backends resolve work through this. */
export class PipelineRegistry {
  private readonly pipelines = new Map<string, Pipeline>();

  constructor(pipelines: readonly Pipeline[] = []) {
    for (const p of pipelines) this.register(p);
  }

  register(pipeline: Pipeline): this {
    this.pipelines.set(pipeline.type, pipeline);
    return this;
  }

  get(type: string): Pipeline {
    const pipeline = this.pipelines.get(type);
    if (!pipeline) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `unknown job type ${show(type)}; expected one of ${[...this.pipelines.keys()].join(', ')}`,
      );
    }
    return pipeline;
  }

  /** The pipeline that owns a task kind ('transcode.segment' -> transcode). */
  forKind(kind: string): Pipeline {
    for (const p of this.pipelines.values()) if (kind in p.executors) return p;
    throw new FramefleetError('INTERNAL', `no executor registered for task kind ${show(kind)}`);
  }

  types(): string[] {
    return [...this.pipelines.keys()];
  }
}
