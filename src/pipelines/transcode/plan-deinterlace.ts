import { show } from '../../errors.js';
import type { PlanContext } from '../../engine/types.js';
import { deinterlaceFilter, isInterlaced, type DeinterlaceMode } from '../../media/deinterlace.js';
import type { VideoStreamInfo } from '../../media/probe.js';

/**
 * The filter that deinterlaces every frame range of the job (deinterlaceFilter), saying so; and a
 * warning where an interlaced source is kept interlaced (`off`): its fields come out woven into
 * frames flagged progressive, combed wherever something moves.
 */
export function planDeinterlace(
  input: string,
  asked: DeinterlaceMode,
  video: Pick<VideoStreamInfo, 'fieldOrder'>,
  ctx: Pick<PlanContext, 'jobId' | 'log'>,
): string | undefined {
  const order = video.fieldOrder;
  const filter = deinterlaceFilter(asked, order);
  if (filter) {
    const why = isInterlaced(order) ? `is interlaced (field order ${order})` : 'is deinterlaced as asked';
    ctx.log.info({ jobId: ctx.jobId, fieldOrder: order }, `input ${show(input)} ${why}: ${filter}`);
  } else if (isInterlaced(order)) {
    ctx.log.warn(
      { jobId: ctx.jobId, fieldOrder: order },
      `input ${show(input)} is interlaced (field order ${order}) and --deinterlace off keeps its fields woven into progressive frames: moving edges show combing`,
    );
  }
  return filter;
}
