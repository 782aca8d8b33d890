import { FramefleetError, show } from '../../errors.js';
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
  const odd = oddSides(step, source.pixFmt);
  if (odd) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `processor chain ${show(names.join(','))} makes ${step.width}x${step.height} frames from the ${source.width}x${source.height} source, ` +
        `and ${source.pixFmt} video needs an even ${odd}: choose a \`scale\` that gives even sizes`,
    );
  }
  const requires = chainRequirements(names, processors, { name: layout.encoder, device: layout.device });
  return { ...layout, process: { step, requires } };
}

/**
 * Which side of a size a pixel format cannot hold when odd (its chroma is subsampled there): the
 * encode of a processed segment fails on it after the processor has run. Pure.
 */
export function oddSides(size: { width: number; height: number }, pixFmt: string): string | undefined {
  const both = /^(yuvj?a?4[12][01]|nv(12|21)|p0[12]0|p016)/.test(pixFmt);
  const across = both || /^(yuvj?a?422|nv16|nv20|p2[12]0|y210)/.test(pixFmt);
  const w = across && size.width % 2 === 1;
  const h = both && size.height % 2 === 1;
  return w && h ? 'width and height' : w ? 'width' : h ? 'height' : undefined;
}
