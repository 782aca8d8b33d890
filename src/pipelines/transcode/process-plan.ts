import type { TranscodeLayout } from './layout.js';
import { chainRequirements, processStep, type Processors } from './process-chain.js';

/**
 * A layout whose segments run `names` before their encode: the chain's context, output size and
 * requirements, decided once for the job from the planning process' configuration. Pure.
 */
export function withProcessors(
  layout: TranscodeLayout,
  names: readonly string[],
  processors: Processors,
): TranscodeLayout {
  const source = { width: layout.width, height: layout.height, pixFmt: layout.pixFmt ?? 'yuv420p' };
  const step = processStep(names, processors, source);
  const requires = chainRequirements(names, processors, { name: layout.encoder, device: layout.device });
  return { ...layout, process: { step, requires } };
}
