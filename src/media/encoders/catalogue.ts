/** The hardware an encoder runs on: the CPU or one vendor's GPU. */
export type EncoderDevice = 'cpu' | 'nvidia' | 'amd' | 'intel' | 'apple';
import { qualityToScale, type Preset } from './quality.js';

export type Codec = 'h264' | 'hevc' | 'av1';
export type Family = 'x264' | 'x265' | 'svtav1' | 'nvenc' | 'vaapi' | 'qsv' | 'amf' | 'videotoolbox';

export interface EncodeSettings {
  quality: number;
  preset: Preset;
  /** Maximum frames between keyframes inside a segment. */
  gopFrames: number;
  /** Encoder threads (x264/x265 `-threads`); absent: the encoder's own choice for every core it sees. */
  threads?: number;
  /** The pixel format every segment is encoded in (outputPixelFormat); absent: the encoder's choice. */
  pixFmt?: string;
}

export interface EncoderDef {
  name: string;
  codec: Codec;
  family: Family;
  device: EncoderDevice;
  /** Higher wins when 'auto' chooses among proven encoders. */
  rank: number;
  /** Arguments placed before the first -i (device setup for VAAPI/QSV). */
  /** Options before the input; `renderNode` pins VAAPI/QSV to one card (see engine/gpu-pin). */
  globalArgs(renderNode?: string): string[];
  /** Filter appended to the video chain to reach the encoder's input format. */
  uploadFilter: string | undefined;
  /** Encoder arguments after -c:v. Every segment of a job gets exactly these. */
  args(settings: EncodeSettings): string[];
  /**
   * The smallest width and height it opens on, where one was met (measured with Debian's ffmpeg
   * 5.1: libx265 fails at 14x14 and 200x10 and opens at 16x16; libsvtav1 fails at 62x64, 64x62 and
   * 48x48 and opens at 64x64). A smaller picture failed every segment three times with ffmpeg's
   * "maybe incorrect parameters".
   */
  minSide?: number;
}

/** Raw elementary-stream muxer per codec: segments concatenate byte for byte. */
export const BITSTREAM_FORMAT: Record<Codec, string> = { h264: 'h264', hevc: 'hevc', av1: 'obu' };

const pick = <T>(preset: Preset, fast: T, balanced: T, quality: T): T =>
  preset === 'fast' ? fast : preset === 'balanced' ? balanced : quality;

const VAAPI_DEVICE = process.env.FRAMEFLEET_VAAPI_DEVICE || '/dev/dri/renderD128';

function x26x(name: 'libx264' | 'libx265', codec: Codec, family: Family): EncoderDef {
  return {
    name,
    codec,
    family,
    device: 'cpu',
    rank: codec === 'h264' ? 10 : 9,
    ...(name === 'libx265' ? { minSide: 16 } : {}),
    globalArgs: () => [],
    uploadFilter: undefined,
    args: (settings) => {
      const { quality, preset, gopFrames, threads } = settings;
      const crf = codec === 'h264' ? qualityToScale(quality, 23, 0, 51) : qualityToScale(quality, 28, 0, 51);
      const speed = pick(preset, 'veryfast', 'medium', 'slow');
      // The planner's share of the cores when several segments encode at once on one machine.
      const share = threads === undefined ? [] : ['-threads', String(threads)];
      const own =
        name === 'libx264'
          ? // open_gop=0: every GOP closed so a segment never references its neighbour.
            ['-preset', speed, '-crf', String(crf), '-x264-params', `keyint=${gopFrames}:open_gop=0`]
          : [
              '-preset',
              speed,
              '-crf',
              String(crf),
              // x265 defaults to open GOPs; closed ones are required at segment seams.
              '-x265-params',
              `keyint=${gopFrames}:open-gop=0:log-level=error`,
            ];
      return [...own, ...share, ...pixelFormatArgs('cpu', settings.pixFmt)];
    },
  };
}

function nvenc(codec: Codec): EncoderDef {
  return {
    name: `${codec}_nvenc`,
    codec,
    family: 'nvenc',
    device: 'nvidia',
    rank: codec === 'h264' ? 50 : 49,
    globalArgs: () => [],
    uploadFilter: undefined,
    args: ({ quality, preset, gopFrames, pixFmt }) => [
      '-preset',
      pick(preset, 'p2', 'p4', 'p7'),
      '-tune',
      'hq',
      '-rc',
      'vbr',
      '-cq',
      String(qualityToScale(quality, 25, 1, 51)),
      '-b:v',
      '0',
      '-g',
      String(gopFrames),
      // IDR (not just I) frames, so each segment starts decodable on its own.
      '-forced-idr',
      '1',
      ...pixelFormatArgs('nvenc', pixFmt),
    ],
  };
}

function vaapi(codec: Codec): EncoderDef {
  return {
    name: `${codec}_vaapi`,
    codec,
    family: 'vaapi',
    device: 'amd',
    rank: codec === 'h264' ? 30 : 29,
    globalArgs: (renderNode) => ['-vaapi_device', renderNode ?? VAAPI_DEVICE],
    uploadFilter: 'format=nv12,hwupload',
    args: ({ quality, preset, gopFrames }) => [
      '-rc_mode',
      'CQP',
      '-qp',
      String(qualityToScale(quality, 24, 1, 51)),
      '-compression_level',
      pick(preset, '7', '4', '1'),
      '-g',
      String(gopFrames),
      '-idr_interval',
      '0',
    ],
  };
}

function qsv(codec: Codec): EncoderDef {
  return {
    name: `${codec}_qsv`,
    codec,
    family: 'qsv',
    device: 'intel',
    rank: codec === 'h264' ? 40 : 39,
    globalArgs: (renderNode) => (renderNode ? ['-qsv_device', renderNode] : []),
    uploadFilter: 'format=nv12',
    args: ({ quality, preset, gopFrames }) => [
      '-preset',
      pick(preset, 'veryfast', 'medium', 'veryslow'),
      '-global_quality',
      String(qualityToScale(quality, 24, 1, 51)),
      '-look_ahead',
      '0',
      '-g',
      String(gopFrames),
      '-idr_interval',
      '0',
    ],
  };
}

function amf(codec: Codec): EncoderDef {
  const q = (quality: number) => String(qualityToScale(quality, 23, 0, 51));
  return {
    name: `${codec}_amf`,
    codec,
    family: 'amf',
    device: 'amd',
    rank: codec === 'h264' ? 35 : 34,
    globalArgs: () => [],
    uploadFilter: undefined,
    args: ({ quality, preset, gopFrames }) => [
      '-quality',
      pick(preset, 'speed', 'balanced', 'quality'),
      '-rc',
      'cqp',
      '-qp_i',
      q(quality),
      '-qp_p',
      q(quality),
      '-g',
      String(gopFrames),
    ],
  };
}

function videotoolbox(codec: Codec): EncoderDef {
  return {
    name: `${codec}_videotoolbox`,
    codec,
    family: 'videotoolbox',
    device: 'apple',
    rank: codec === 'h264' ? 20 : 19,
    globalArgs: () => [],
    uploadFilter: undefined,
    args: ({ quality, gopFrames }) => ['-q:v', String(Math.round(quality)), '-g', String(gopFrames)],
  };
}

const svtav1: EncoderDef = {
  name: 'libsvtav1',
  codec: 'av1',
  family: 'svtav1',
  device: 'cpu',
  rank: 8,
  minSide: 64,
  globalArgs: () => [],
  uploadFilter: undefined,
  args: ({ quality, preset, gopFrames, pixFmt }) => [
    '-preset',
    pick(preset, '10', '8', '5'),
    '-crf',
    String(qualityToScale(quality, 32, 1, 63)),
    '-g',
    String(gopFrames),
    // irefresh-type=2: closed GOP with key frames, so segments stand alone.
    '-svtav1-params',
    'irefresh-type=2',
    ...pixelFormatArgs('cpu', pixFmt),
  ],
};

/** The output option that makes an encoder take `pixFmt`; NVENC names 10-bit 4:2:0 p010le. Pure. */
function pixelFormatArgs(family: 'cpu' | 'nvenc', pixFmt: string | undefined): string[] {
  if (!pixFmt) return [];
  return ['-pix_fmt', family === 'nvenc' && pixFmt === 'yuv420p10le' ? 'p010le' : pixFmt];
}

export const ENCODERS: readonly EncoderDef[] = [
  x26x('libx264', 'h264', 'x264'),
  x26x('libx265', 'hevc', 'x265'),
  svtav1,
  ...(['h264', 'hevc', 'av1'] as const).flatMap((c) => [nvenc(c), vaapi(c), qsv(c), amf(c)]),
  videotoolbox('h264'),
  videotoolbox('hevc'),
];

export const FAMILIES: readonly string[] = [
  'cpu',
  'x264',
  'x265',
  'svtav1',
  'nvenc',
  'vaapi',
  'qsv',
  'amf',
  'videotoolbox',
];

export function encoderByName(name: string): EncoderDef | undefined {
  return ENCODERS.find((e) => e.name === name);
}

/** The smallest side encoder `name` opens on, where a picture of this size is smaller; else undefined. Pure. */
export function tooSmallFor(name: string, size: { width: number; height: number }): number | undefined {
  const min = encoderByName(name)?.minSide;
  return min !== undefined && (size.width < min || size.height < min) ? min : undefined;
}
