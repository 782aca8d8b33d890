import { FramefleetError, show } from '../../errors.js';
import type { PlanContext } from '../../engine/types.js';
import type { EncoderDef } from '../../media/encoders/catalogue.js';
import {
  bitDepth,
  HDR_TRANSFERS,
  outputPixelFormat,
  type PixelFormatChoice,
} from '../../media/encoders/pixel-format.js';
import type { VideoStreamInfo } from '../../media/probe.js';

/**
 * The pixel format every segment of the job is encoded in (settings.pixFmt; undefined: the
 * encoder's own), refusing one the encoder cannot take, and warning where an HDR source becomes
 * 8-bit video: it is not tone-mapped, and keeps its colour tags, which describe its pixels.
 */
export function planPixelFormat(
  input: string,
  asked: PixelFormatChoice,
  encoder: EncoderDef,
  video: Pick<VideoStreamInfo, 'pixFmt' | 'colorTransfer'>,
  ctx: Pick<PlanContext, 'jobId' | 'log'>,
): string | undefined {
  const { pixFmt, refused } = outputPixelFormat(encoder, video.pixFmt, asked);
  if (refused) {
    throw new FramefleetError('INVALID_ARGUMENT', `--pixel-format ${show(asked)}: ${refused}`);
  }
  const transfer = video.colorTransfer;
  const out = pixFmt ?? (encoder.device === 'cpu' ? video.pixFmt : 'nv12');
  if (transfer && HDR_TRANSFERS.includes(transfer) && bitDepth(out) === 8) {
    ctx.log.warn(
      { jobId: ctx.jobId, transfer, pixFmt: out },
      `input ${show(input)} is HDR (transfer ${transfer}) and ${encoder.name} encodes it as 8-bit ${out} without tone mapping: ` +
        `players that ignore its ${transfer} tag show it washed out; --codec hevc keeps it 10-bit`,
    );
  }
  return pixFmt;
}
