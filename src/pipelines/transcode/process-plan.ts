import { FramefleetError, show } from '../../errors.js';
import { tooSmallFor } from '../../media/encoders/catalogue.js';
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
  const encoded = encodedPixFmt(layout);
  const odd = oddSides(step, encoded);
  if (odd) {
    // A chain that keeps the size keeps an odd source odd: no scale helps, a crop does.
    const same = step.width === source.width && step.height === source.height;
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `processor chain ${show(names.join(','))} makes ${step.width}x${step.height} frames from the ${source.width}x${source.height} source, ` +
        `and ${encoded} video needs an even ${odd}: ${same ? evenSizeFix(source) : 'choose a `scale` that gives even sizes'}`,
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

/** How to make an odd-sized source even before framefleet sees it. Pure. */
function evenSizeFix({ width, height }: { width: number; height: number }): string {
  // Cropping a side of 1 would leave nothing: such a source is padded instead (1x1 -> 2x2).
  return width === 1 || height === 1
    ? `pad it to an even size first (ffmpeg -vf pad=${width + (width % 2)}:${height + (height % 2)})`
    : `crop it to an even size first (ffmpeg -vf crop=${width - (width % 2)}:${height - (height % 2)})`;
}

/**
 * Refuses, before any task, a source whose size the encode cannot hold (321x181 4:2:0 video: x264
 * and every GPU encoder need even sides), which would fail every segment's encode after retries.
 */
export function refuseOddSource(input: string, layout: TranscodeLayout): void {
  refuseTooSmall(input, layout);
  const pixFmt = encodedPixFmt(layout);
  const odd = oddSides(layout, pixFmt);
  if (!odd) return;
  const via = pixFmt === layout.pixFmt ? '' : ` (it encodes ${pixFmt})`;
  const fix = evenSizeFix(layout);
  // A 4:4:4 source encoded 4:2:0 by --pixel-format auto fits as it is on a CPU encoder.
  const keep =
    layout.device === 'cpu' && layout.pixFmt && !oddSides(layout, layout.pixFmt)
      ? `, or keep its ${layout.pixFmt} with --pixel-format source (few players decode it)`
      : '';
  throw new FramefleetError(
    'UNSUPPORTED_MEDIA',
    `input ${show(input)} is ${layout.width}x${layout.height} ${layout.pixFmt ?? pixFmt} video, and ${layout.encoder} needs an even ${odd}${via}: ` +
      `${fix}${keep}`,
  );
}

/**
 * The format segments are encoded in: the job's (`--pixel-format`, 4:2:0 by default), else the
 * source's on a CPU encoder; GPU encoders take 4:2:0 frames (NV12) whatever the source's format.
 */
function encodedPixFmt(layout: TranscodeLayout): string {
  if (layout.device !== 'cpu') return 'nv12';
  return layout.settings.pixFmt ?? layout.pixFmt ?? 'yuv420p';
}

/** Refuses, before any task, a source smaller than its encoder opens on. */
function refuseTooSmall(input: string, layout: TranscodeLayout): void {
  const min = tooSmallFor(layout.encoder, layout);
  if (min === undefined) return;
  throw new FramefleetError(
    'UNSUPPORTED_MEDIA',
    `input ${show(input)} is ${layout.width}x${layout.height} video, and ${layout.encoder} encodes nothing smaller than ${min}x${min}: ` +
      `scale it up first (ffmpeg -vf scale=${Math.max(min, layout.width)}:${Math.max(min, layout.height)}), or use --codec h264`,
  );
}
