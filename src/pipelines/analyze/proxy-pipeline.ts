import { stat } from 'node:fs/promises';
import type { Pipeline } from '../../engine/types.js';
import { makeProxy, type ProxyResult } from '../../media/proxy.js';
import { probe } from '../../media/probe.js';
import { withInput, withOutput, writeOutput } from '../job-files.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { parseWith, proxySpecSchema, type ProxySpec } from './spec-schemas.js';

/** proxy: one task writing a low-resolution copy for analysis and editing. */
export const proxyPipeline: Pipeline<ProxySpec> = {
  type: 'proxy',
  parseSpec: (input) => parseWith(proxySpecSchema, 'proxy', input),

  async plan(spec, ctx) {
    await checkOutputTarget(spec.output, [spec.input], { overwrite: spec.overwrite, storage: ctx.storage });
    return {
      tasks: [
        { id: 'proxy', kind: 'proxy', payload: spec, requires: { device: 'cpu' }, dependsOn: [], weight: 1 },
      ],
      rootTaskId: 'proxy',
    };
  },

  executors: {
    proxy: async (payload, ctx) => {
      const spec = payload as ProxySpec;
      const result = await withInput(spec.input, ctx, (input) =>
        makeProxy({
          ...spec,
          // The run's own spec decides (a rerun with overwrite of a job planned without it).
          overwrite: (ctx.spec as ProxySpec | undefined)?.overwrite ?? spec.overwrite,
          input,
          signal: ctx.signal,
          publish: (output, write, guard) => writeOutput(output, ctx, write, guard),
        }),
      );
      return { ...result, input: spec.input };
    },
  },

  verifiers: {
    // A proxy checkpoint counts only if the file is still there with its size and frame count.
    proxy: async (_payload, output, ctx) => {
      const result = output as ProxyResult;
      try {
        // Re-read only inside the output roots that hold now.
        return await withOutput(result.output, ctx, async (path) => {
          const info = await stat(path);
          if (info.size !== result.sizeBytes) return false;
          const media = await probe(path, { signal: ctx.signal });
          return media.video?.frameCount === result.frames;
        });
      } catch {
        return false;
      }
    },
  },
};
