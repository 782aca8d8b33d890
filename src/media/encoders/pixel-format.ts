import type { EncoderDef } from './catalogue.js';

/**
 * What `--pixel-format` may ask: `auto` (what browsers and phones play for the codec), `source`
 * (the source's own format, as the encoder takes it) or one format for every segment.
 */
export const PIXEL_FORMATS = [
  'auto',
  'source',
  'yuv420p',
  'yuv420p10le',
  'yuv422p',
  'yuv422p10le',
  'yuv444p',
  'yuv444p10le',
] as const;
export type PixelFormatChoice = (typeof PIXEL_FORMATS)[number];

/** Transfer characteristics (ffprobe's color_transfer) of HDR video: PQ and HLG. */
export const HDR_TRANSFERS: readonly string[] = ['smpte2084', 'arib-std-b67'];

/** Bits per sample of an ffmpeg pixel format (yuv420p10le: 10, p010le: 10, rgb48le: 16, nv12: 8). Pure. */
export function bitDepth(pixFmt: string): number {
  const bits = Number(/(\d+)(?:le|be)$/.exec(pixFmt)?.[1] ?? 8);
  if (bits === 48 || bits === 64) return 16;
  return bits > 8 && bits <= 16 ? bits : 8;
}

/**
 * The pixel format a job encodes every segment in (EncodeSettings.pixFmt), or undefined where the
 * encoder's own choice stands: the source's format (`source`), or a GPU encoder's upload format
 * (VAAPI and QSV encode nv12: 8-bit 4:2:0 already). `auto` is 4:2:0, the only chroma layout
 * browsers and iOS decode: 8-bit for H.264 (High 10 and High 4:2:2 play almost nowhere), a
 * full-range (JPEG, `yuvj`) source staying full range as before; the source's depth, 8 or 10, for
 * HEVC (Main10 plays on Apple, Android and Edge) and AV1 (12 bits become 10). `refused` says why
 * an asked format is not one this encoder writes. Pure.
 */
export function outputPixelFormat(
  encoder: Pick<EncoderDef, 'name' | 'codec' | 'device' | 'family'>,
  source: string,
  asked: PixelFormatChoice,
): { pixFmt?: string; refused?: string } {
  if (asked === 'source') return {};
  const own = encoder.device === 'cpu' || encoder.family === 'nvenc';
  if (asked !== 'auto') {
    const fits = own ? (FORMATS_OF[encoder.name] ?? NVENC_FORMATS).includes(asked) : asked === 'yuv420p';
    if (!fits) return { refused: `${encoder.name} cannot encode ${asked}` };
    return own ? { pixFmt: asked } : {};
  }
  if (!own) return {};
  const tenBit = encoder.codec !== 'h264' && bitDepth(source) > 8;
  if (tenBit) return { pixFmt: 'yuv420p10le' };
  // libsvtav1 takes no full-range format: ffmpeg converted such a source to yuv420p before too.
  const fullRange = source.startsWith('yuvj') && encoder.device === 'cpu' && encoder.codec !== 'av1';
  return { pixFmt: fullRange ? 'yuvj420p' : 'yuv420p' };
}

/** The `--pixel-format` values each CPU encoder takes (ffmpeg -h encoder=NAME). */
const FORMATS_OF: Record<string, readonly string[]> = {
  libsvtav1: ['yuv420p', 'yuv420p10le'],
  libx264: PIXEL_FORMATS,
  libx265: PIXEL_FORMATS,
};
const NVENC_FORMATS: readonly string[] = ['yuv420p', 'yuv420p10le', 'yuv444p'];
