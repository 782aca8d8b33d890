/**
 * The facts ffprobe reports from an H.264 sequence parameter set (profile, pixel format, cropped
 * size, sample aspect ratio; progressive frames), read from an avcC box's first SPS. Undefined for
 * anything this reader does not follow to the end of those facts (interlaced coding, a pic_struct
 * that may make frames fields, unusual bit depths, profiles ffmpeg names differently). Pure.
 */
export interface H264Sps {
  profile: string;
  pixFmt: string;
  width: number;
  height: number;
  /** Sample aspect ratio from the VUI; undefined when the stream states none. */
  sar: { num: number; den: number } | undefined;
}

/** The first SPS of an `avcC` box body, parsed. */
export function avcConfigSps(avcC: Buffer): H264Sps | undefined {
  // configurationVersion, profile, compatibility, level, lengthSizeMinusOne, numOfSPS (low 5 bits).
  if (avcC.length < 8 || avcC[0] !== 1 || (avcC[5]! & 0x1f) < 1) return undefined;
  const length = avcC.readUInt16BE(6);
  if (avcC.length < 8 + length || length < 4) return undefined;
  try {
    return parseSps(unescape(avcC.subarray(8, 8 + length)));
  } catch {
    return undefined;
  }
}

// profile_idc values whose SPS carries chroma format and bit depths.
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

// Table E-1: sample aspect ratios by aspect_ratio_idc 1-16.
const SAR_TABLE: [number, number][] = [
  [1, 1],
  [12, 11],
  [10, 11],
  [16, 11],
  [40, 33],
  [24, 11],
  [20, 11],
  [32, 11],
  [80, 33],
  [18, 11],
  [15, 11],
  [64, 33],
  [160, 99],
  [4, 3],
  [3, 2],
  [2, 1],
];

function parseSps(nal: Buffer): H264Sps | undefined {
  if ((nal[0]! & 0x1f) !== 7) return undefined;
  const bits = new Bits(nal.subarray(1));
  const profileIdc = bits.u(8);
  const constraints = bits.u(8);
  bits.u(8); // level
  bits.ue(); // seq_parameter_set_id
  let chroma = 1;
  let depth = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chroma = bits.ue();
    if (chroma === 3 && bits.u(1) === 1) return undefined; // separate colour planes
    depth = bits.ue() + 8;
    if (bits.ue() + 8 !== depth) return undefined; // chroma depth unlike luma
    bits.u(1); // qpprime_y_zero_transform_bypass
    if (bits.u(1) === 1) skipScalingLists(bits, chroma === 3 ? 12 : 8);
  }
  bits.ue(); // log2_max_frame_num_minus4
  const pocType = bits.ue();
  if (pocType === 0) bits.ue();
  else if (pocType === 1) {
    bits.u(1);
    bits.se();
    bits.se();
    const cycle = bits.ue();
    if (cycle > 255) return undefined;
    for (let i = 0; i < cycle; i++) bits.se();
  }
  bits.ue(); // max_num_ref_frames
  bits.u(1); // gaps_in_frame_num_value_allowed
  const widthMbs = bits.ue() + 1;
  const heightMapUnits = bits.ue() + 1;
  // Interlaced coding (fields, MBAFF): ffmpeg's size and field order rules; left to ffprobe.
  if (bits.u(1) === 0) return undefined;
  bits.u(1); // direct_8x8_inference
  const crop = bits.u(1) === 1 ? [bits.ue(), bits.ue(), bits.ue(), bits.ue()] : [0, 0, 0, 0];
  let sar: H264Sps['sar'];
  let fullRange = false;
  if (bits.u(1) === 1) {
    if (bits.u(1) === 1) {
      const idc = bits.u(8);
      if (idc === 255) sar = { num: bits.u(16), den: bits.u(16) };
      else if (idc >= 1 && idc <= 16) sar = { num: SAR_TABLE[idc - 1]![0], den: SAR_TABLE[idc - 1]![1] };
      else if (idc !== 0) return undefined;
      if (sar && (sar.num === 0 || sar.den === 0)) sar = undefined;
    }
    if (bits.u(1) === 1) bits.u(1); // overscan
    if (bits.u(1) === 1) {
      bits.u(3); // video_format
      fullRange = bits.u(1) === 1;
      if (bits.u(1) === 1) {
        bits.u(8); // colour_primaries
        // PQ or HLG: left to ffprobe, which names the transfer (a transcode warns of HDR to 8-bit).
        if ([16, 18].includes(bits.u(8))) return undefined;
        bits.u(8); // matrix_coefficients
      }
    }
    if (bits.u(1) === 1) {
      bits.ue(); // chroma_sample_loc_type_top_field
      bits.ue(); // chroma_sample_loc_type_bottom_field
    }
    if (bits.u(1) === 1) bits.u(65); // timing: num_units_in_tick, time_scale, fixed_frame_rate
    // HRD parameters (not followed here), or picture timing with a pic_struct, by which ffprobe's
    // field order names fields or pulldown in frame-coded pictures: left to ffprobe.
    if (bits.u(1) === 1 || bits.u(1) === 1 || bits.u(1) === 1) return undefined;
  }
  const pixFmt = pixelFormat(chroma, depth, fullRange);
  const profile = profileName(profileIdc, constraints);
  if (!pixFmt || !profile) return undefined;
  const cropX = chroma === 1 || chroma === 2 ? 2 : 1;
  const cropY = chroma === 1 ? 2 : 1;
  return {
    profile,
    pixFmt,
    width: widthMbs * 16 - cropX * (crop[0]! + crop[1]!),
    height: heightMapUnits * 16 - cropY * (crop[2]! + crop[3]!),
    sar,
  };
}

/** ffmpeg's pixel format for a chroma format and depth; full range 8-bit is its JPEG ("j") format. */
function pixelFormat(chroma: number, depth: number, fullRange: boolean): string | undefined {
  const layout = ['gray', '420', '422', '444'][chroma];
  if (!layout || (depth !== 8 && depth !== 10)) return undefined;
  if (layout === 'gray') return depth === 8 ? 'gray' : undefined;
  if (depth === 10) return `yuv${layout}p10le`;
  return `yuv${fullRange ? 'j' : ''}${layout}p`;
}

/** ffmpeg's name for a profile (constraint_set1 constrains Baseline, constraint_set3 makes Intra). */
function profileName(idc: number, constraints: number): string | undefined {
  const set1 = (constraints & 0x40) !== 0;
  const set3 = (constraints & 0x10) !== 0;
  switch (idc) {
    case 66:
      return set1 ? 'Constrained Baseline' : 'Baseline';
    case 77:
      return 'Main';
    case 88:
      return 'Extended';
    case 100:
      return 'High';
    case 110:
      return set3 ? 'High 10 Intra' : 'High 10';
    case 122:
      return set3 ? 'High 4:2:2 Intra' : 'High 4:2:2';
    case 244:
      return set3 ? 'High 4:4:4 Intra' : 'High 4:4:4 Predictive';
    default:
      return undefined;
  }
}

function skipScalingLists(bits: Bits, lists: number): void {
  for (let i = 0; i < lists; i++) {
    if (bits.u(1) === 0) continue;
    const size = i < 6 ? 16 : 64;
    let last = 8;
    let next = 8;
    for (let j = 0; j < size; j++) {
      if (next !== 0) next = (last + bits.se() + 256) % 256;
      last = next === 0 ? last : next;
    }
  }
}

/** The RBSP of a NAL unit: emulation prevention bytes (00 00 03) removed. */
function unescape(nal: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** An MSB-first bit reader with Exp-Golomb codes; reading past the end throws. */
class Bits {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  u(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.buf[this.at >> 3];
      if (byte === undefined) throw new RangeError('SPS ends early');
      value = value * 2 + ((byte >> (7 - (this.at & 7))) & 1);
      this.at++;
    }
    return value;
  }

  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new RangeError('Exp-Golomb code too long');
    return 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}
