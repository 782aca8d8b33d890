import type { PlanContext } from '../../engine/types.js';
import { fitSizeFilter, refuseJoins, sizeChangeWarning } from '../../media/frame-sizes.js';
import type { MediaInfo } from '../../media/probe.js';

/**
 * A source whose picture size changes mid-stream (VideoStreamInfo.sizes): the filter that scales
 * every frame to its first size (the header's, which the output has), with a warning naming the
 * sizes and where they change. Nothing for any other source; one whose timestamps restart is
 * refused (refuseJoins): its frames by time interleave its pieces.
 */
export function planFitSize(source: MediaInfo, ctx: PlanContext): { fitSize?: string } {
  const video = source.video;
  if (video) refuseJoins(source.path, video, 'input', false);
  if (!video?.sizes) return {};
  ctx.log.warn({ jobId: ctx.jobId, sizes: video.sizes }, sizeChangeWarning(source.path, video.sizes));
  return { fitSize: fitSizeFilter(video.width, video.height, video.sampleAspect) };
}
