/** What `--deinterlace` may ask: `auto` (when the probe says the video is interlaced), `on`, `off`. */
export const DEINTERLACE_MODES = ['auto', 'on', 'off'] as const;
export type DeinterlaceMode = (typeof DEINTERLACE_MODES)[number];

/** ffprobe's field orders of interlaced video: top or bottom field first, coded in either order. */
const INTERLACED_ORDERS: readonly string[] = ['tt', 'bb', 'tb', 'bt'];

/** Whether ffprobe's `field_order` says the stream is interlaced. Pure. */
export function isInterlaced(fieldOrder: string | undefined): boolean {
  return fieldOrder !== undefined && INTERLACED_ORDERS.includes(fieldOrder);
}

/**
 * The filter that deinterlaces every segment of a job, or undefined where none does: `auto` on a
 * source probed interlaced, or `on` on any. bwdif in send_frame mode makes one frame of each frame
 * (its two fields at their frame's time), so frame counts and timestamps stay exactly the source's
 * and segments still cut and stitch on frame numbers; it reads one frame either side, which
 * rangeInput feeds it across a segment's first frame. `auto` deinterlaces the frames the decoder
 * flags interlaced (progressive ones in a mixed stream pass untouched); `on` deinterlaces every
 * frame, for fields woven into frames flagged progressive. It runs on the CPU before any upload to
 * a GPU encoder. Pure.
 */
export function deinterlaceFilter(mode: DeinterlaceMode, fieldOrder: string | undefined): string | undefined {
  if (mode === 'off' || (mode === 'auto' && !isInterlaced(fieldOrder))) return undefined;
  return `bwdif=mode=send_frame:parity=auto:deint=${mode === 'on' ? 'all' : 'interlaced'}`;
}
