import { reduced, type Rational } from './rational.js';

// Fitting any picture into a frame: covering it (cropped) or fitting inside it (padded). A picture of
// non-square pixels (an anamorphic DV or DVD source: 720x480 shown at 16:9) is fitted by the size it
// is shown at, its width times its sample aspect ratio, and comes out with square pixels (the scale
// tags its output SAR to within rounding of 1:1; a caller that encodes it sets 1:1).

const quarterTurn = (rotation: number | undefined) => rotation === 90 || rotation === 270;

/**
 * The width:height of one decoded pixel as the filter graph sees it: the stream's sample aspect
 * ratio, inverted by a quarter-turn display rotation (ffmpeg's autorotate transposes the picture and
 * its SAR). Undefined for square pixels, whose filters are the ones they always were. Pure.
 */
export function pixelAspect(sampleAspect: Rational, rotation: number): Rational | undefined {
  if (sampleAspect.num === sampleAspect.den) return undefined;
  const sar = reduced(sampleAspect.num, sampleAspect.den);
  return quarterTurn(rotation) ? { num: sar.den, den: sar.num } : sar;
}

/**
 * The picture's size as ffmpeg decodes it: its autorotate turns a quarter-turn rotation upright, so
 * the stored width and height trade places. Pure.
 */
export function uprightSize(v: { width: number; height: number; rotation?: number }): {
  width: number;
  height: number;
} {
  return quarterTurn(v.rotation)
    ? { width: v.height, height: v.width }
    : { width: v.width, height: v.height };
}

/**
 * The filters that make any picture cover a `width` x `height` frame, centred: crop the source to
 * the frame's shape first, then scale. Scaling first (`scale=W:H:force_original_aspect_ratio=
 * increase,crop=W:H`) allocates the scaled picture whole: a 2x4000 source filling 320x180 was
 * scaled to 320x640000 (1.8 GB and 20 s for one second of output, found by a new user's trial);
 * cropped first, no picture is ever larger than the source or the frame. `flags`: the scaler's.
 * `pixel`: the source's pixelAspect, folded into the crop's shape (the one scale then makes the
 * pixels square). Pure.
 */
export function coverFilters(width: number, height: number, flags?: string, pixel?: Rational): string[] {
  const scale = `scale=${width}:${height}${flags ? `:flags=${flags}` : ''}`;
  if (!pixel) return [`crop=w='min(iw,ih*${width}/${height})':h='min(ih,iw*${height}/${width})'`, scale];
  // A crop cw x ch of pixels num:den wide is shown cw*num/den x ch: the frame's shape when
  // cw/ch = (width*den)/(height*num).
  const shape = reduced(width * pixel.den, height * pixel.num);
  return [`crop=w='min(iw,ih*${shape.num}/${shape.den})':h='min(ih,iw*${shape.den}/${shape.num})'`, scale];
}

/**
 * The filters that fit any picture inside a `width` x `height` frame, centred, with bars of `pad`
 * (an ffmpeg colour) where its shape differs. `pixel`: as for coverFilters; the fitted size is
 * rounded as force_original_aspect_ratio=decrease rounds it. Pure.
 */
export function fitFilters(width: number, height: number, pad: string, pixel?: Rational): string[] {
  const padded = `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=${pad}`;
  if (!pixel) return [`scale=${width}:${height}:force_original_aspect_ratio=decrease`, padded];
  // Shown iw*num/den x ih: as wide as `height` allows, as tall as `width` allows, whichever is less.
  const wide = reduced(height * pixel.num, pixel.den);
  const tall = reduced(width * pixel.den, pixel.num);
  return [
    `scale=w='min(${width},round(iw*${wide.num}/(ih*${wide.den})))':h='min(${height},round(ih*${tall.num}/(iw*${tall.den})))'`,
    padded,
  ];
}
