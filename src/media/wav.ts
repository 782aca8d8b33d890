import type { PcmMix } from './decode-pcm.js';

/** What a RIFF/WAVE header says about its samples. */
export interface WavLayout {
  sampleRate: number;
  channels: number;
  /** Bytes per sample of one channel. */
  bytes: 1 | 2 | 3 | 4 | 8;
  float: boolean;
  /** Offset of the first sample and the number of sample bytes after it (whole frames). */
  dataOffset: number;
  dataBytes: number;
  /**
   * Sample bytes the header promised where the file ends before them (a copy or download cut
   * short); absent when the size fits, or is a streaming writer's placeholder (0, ~4 GiB).
   */
  promisedBytes?: number;
  /**
   * The data size the header gives where far more bytes follow it that are no chunk (a damaged
   * size field): the samples run to the end of the file instead (`dataBytes`).
   */
  statedBytes?: number;
}

/** The fields of a `fmt ` chunk as written, whether or not this reader decodes them. */
export interface WavFormat {
  /** The format tag; WAVE_FORMAT_EXTENSIBLE's sub-format in its place. */
  tag: number;
  channels: number;
  sampleRate: number;
  /** Bytes of one frame (all channels). */
  blockAlign: number;
  bits: number;
  /** EXTENSIBLE's speaker mask; 0 where none is named. */
  channelMask: number;
}

/** Data sizes this large are a writer's "unknown" (0xFFFFFFFF, 0x7FFFFFFF and the like). */
const PLACEHOLDER = 0x7fff0000;

/** The highest sample rate of WAV audio (768 kHz: professional converters' top rate). */
const MAX_RATE = 768_000;

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** Bytes of the file from `offset` (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/** Chunks walked before giving up on finding the samples (real files have a handful). */
const MAX_CHUNKS = 256;

/** The chunks that matter of a RIFF/WAVE file: its format and where its data chunk starts. */
interface WavChunks {
  format?: WavFormat;
  /** The data chunk's body offset and the size its header gives. */
  data?: { offset: number; size: number };
}

/**
 * Walks a RIFF/WAVE file's chunks (metadata such as cover art or a broadcast extension may come
 * before the samples, whatever their size) to its data chunk. Undefined where it is no RIFF/WAVE
 * file or its format chunk cannot be read; `format` absent where the data comes first.
 */
async function walkWav(read: ReadAt, fileSize: number): Promise<WavChunks | undefined> {
  const head = await read(0, 12);
  if (head.length < 12 || fourCc(head, 0) !== 'RIFF' || fourCc(head, 8) !== 'WAVE') return undefined;
  let format: WavFormat | undefined;
  for (let at = 12, chunks = 0; at + 8 <= fileSize && chunks < MAX_CHUNKS; chunks++) {
    const header = await read(at, 8);
    if (header.length < 8) return undefined;
    const id = fourCc(header, 0);
    const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || size > 1024) return undefined;
      const fmt = await read(body, size);
      if (fmt.length < size) return undefined;
      format = fmtFields(new DataView(fmt.buffer, fmt.byteOffset, fmt.byteLength), size);
    } else if (id === 'data') {
      return { format, data: { offset: body, size } };
    }
    // Chunks are padded to an even size.
    at = body + size + (size % 2);
  }
  return { format };
}

const fourCc = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

function fmtFields(view: DataView, size: number): WavFormat {
  const extensible = view.getUint16(0, true) === EXTENSIBLE && size >= 40;
  return {
    // The sub-format GUID's first two bytes are the format tag.
    tag: view.getUint16(extensible ? 24 : 0, true),
    channels: view.getUint16(2, true),
    sampleRate: view.getUint32(4, true),
    blockAlign: view.getUint16(12, true),
    bits: view.getUint16(14, true),
    channelMask: extensible ? view.getUint32(20, true) : 0,
  };
}

/** The format chunk of a RIFF/WAVE file; undefined for other files and for one without it. */
export async function readWavFormat(read: ReadAt, fileSize: number): Promise<WavFormat | undefined> {
  return (await walkWav(read, fileSize))?.format;
}

/**
 * Reads a WAV file's layout by walking its chunks, given the file's size. Undefined for anything
 * this reader does not decode itself (not RIFF/WAVE, RF64, compressed formats, odd sample sizes,
 * 3 to 8 channels or more with named speakers, no data chunk): ffmpeg decodes those. A data chunk
 * whose size is 0 or past the end (a WAV written to a pipe, or one cut short: `promisedBytes`)
 * runs to the end of the file; so does one followed by far more bytes than it holds that are no
 * chunk (`statedBytes`).
 */
export async function readWavLayout(read: ReadAt, fileSize: number): Promise<WavLayout | undefined> {
  const chunks = await walkWav(read, fileSize);
  const format = chunks?.format && decodable(chunks.format);
  if (!format || !chunks.data) return undefined;
  const { offset, size } = chunks.data;
  const frame = format.bytes * format.channels;
  const available = fileSize - offset;
  const whole = (bytes: number) => bytes - (bytes % frame);
  const layout = { ...format, dataOffset: offset };
  if (size === 0 || size > available)
    return {
      ...layout,
      dataBytes: whole(available),
      ...(size > available && size < PLACEHOLDER ? { promisedBytes: whole(size) } : {}),
    };
  const rest = available - size - (size % 2);
  if (rest > size && rest >= format.sampleRate * frame && !(await chunkFollows(read, fileSize - rest, rest)))
    return { ...layout, dataBytes: whole(available), statedBytes: size };
  return { ...layout, dataBytes: whole(size) };
}

/**
 * Whether the `rest` bytes at `at` (after the data chunk) start with a chunk or a tag a writer
 * appends (ID3): four printable characters and a size that fits.
 */
async function chunkFollows(read: ReadAt, at: number, rest: number): Promise<boolean> {
  const header = await read(at, 8);
  if (header.length < 8) return false;
  if (fourCc(header, 0).startsWith('ID3')) return true;
  const printable = header.subarray(0, 4).every((c) => c >= 0x20 && c <= 0x7e);
  const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
  return printable && size <= rest - 8;
}

/**
 * The sample layout of a format this reader decodes: integer PCM of 8 to 32 bits or float of 32 or
 * 64, whose block size agrees with the sample size (no packed 20-bit in 3 bytes); mono, stereo, or
 * nine channels or more with no speakers named (a multitrack recorder's poly WAV), which ffmpeg
 * cannot mix to mono. Its mix of 3 to 8 channels, or of named speakers, has a matrix of its own
 * (centre and surrounds weighted, LFE dropped) that a plain sum would not match: those are left
 * to it.
 */
function decodable(format: WavFormat): Omit<WavLayout, 'dataOffset' | 'dataBytes'> | undefined {
  const { tag, channels, sampleRate, bits } = format;
  const bytes = bits / 8;
  const float = tag === FLOAT;
  if (tag !== PCM && !float) return undefined;
  if (float ? bytes !== 4 && bytes !== 8 : ![1, 2, 3, 4].includes(bytes)) return undefined;
  if (format.blockAlign !== bytes * channels) return undefined;
  const unnamed = channels > 8 && format.channelMask === 0;
  if (channels < 1 || (channels > 2 && !unnamed) || sampleRate < 1000 || sampleRate > MAX_RATE)
    return undefined;
  return { sampleRate, channels, bytes: bytes as WavLayout['bytes'], float };
}

/**
 * Why ffmpeg could not decode a WAV file with this format chunk, naming the field and its value:
 * a field no audio has (no channels, a sample rate past 768 kHz), a block size that does not fit
 * its samples, a format tag that names no codec ffmpeg has (`unknownCodec`: what it said), or
 * else samples that do not decode as the codec the tag names. Pure.
 */
export function wavFormatProblem(format: WavFormat, unknownCodec: boolean): string {
  const { tag, channels, sampleRate, bits, blockAlign } = format;
  const hex = `0x${tag.toString(16).padStart(4, '0')}`;
  const name = WAV_CODECS[tag];
  if (channels === 0) return 'its WAV header says it has 0 channels';
  if (sampleRate < 1 || sampleRate > MAX_RATE)
    return `its WAV header says its sample rate is ${sampleRate} Hz${sampleRate ? ' (WAV audio runs at up to 768 kHz)' : ''}`;
  if (unknownCodec || !name) return `its WAV header's format tag ${hex} names no audio codec ffmpeg decodes`;
  const sample = Math.ceil(bits / 8);
  if ((tag === PCM || tag === FLOAT) && (bits === 0 || blockAlign !== sample * channels))
    return `its WAV header's block size of ${blockAlign} bytes does not fit ${channels} channel${channels === 1 ? '' : 's'} of ${bits}-bit samples`;
  return `its samples do not decode as the ${name} its WAV header names (format tag ${hex}, ${channels} channel${channels === 1 ? '' : 's'}, ${sampleRate} Hz, ${bits} bits)`;
}

/** Format tags ffmpeg decodes in WAV that users meet, by name. */
const WAV_CODECS: Record<number, string> = {
  0x0001: 'PCM',
  0x0002: 'Microsoft ADPCM',
  0x0003: 'floating-point PCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x00ff: 'AAC',
  0x0161: 'WMA',
  0x0162: 'WMA Pro',
  0x2000: 'AC-3',
  0x2001: 'DTS',
  0xf1ac: 'FLAC',
};

/**
 * The mono mix of whole frames in `bytes` (little-endian, as `layout` says), as
 * Float32 in -1..1 the way ffmpeg converts and downmixes them (8-bit is unsigned, the others
 * signed; stereo to mono is (L + R) / sqrt 2, not the mean: its default matrix; the nine or more
 * unnamed channels of a multitrack file, which it cannot mix, likewise their sum over the square
 * root of their count), into `out` when it is long enough; returns the samples, a view of `out`
 * or a new array. With `mix` 'difference', (L - R) / sqrt 2 of the first two channels instead
 * (silence for mono), as pcmDecodeArgs asks ffmpeg for it.
 */
export function wavToMono(
  bytes: Uint8Array,
  layout: WavLayout,
  out?: Float32Array,
  mix: PcmMix = 'sum',
): Float32Array {
  const { channels, float } = layout;
  const difference = mix === 'difference';
  const size = layout.bytes;
  const frames = Math.floor(bytes.length / (size * channels));
  const into = out && out.length >= frames ? out : new Float32Array(frames);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const gain =
    channels === 2 || (difference && channels > 2) ? Math.SQRT1_2 : difference ? 0 : 1 / Math.sqrt(channels);
  // The difference reads the first two channels.
  const mixed = difference ? Math.min(2, channels) : channels;
  let at = 0;
  for (let f = 0; f < frames; f++, at += size * (channels - mixed)) {
    let sum = 0;
    for (let c = 0; c < mixed; c++, at += size) {
      let v: number;
      if (float) v = size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
      else if (size === 2) v = view.getInt16(at, true) / 32768;
      else if (size === 3) v = ((view.getUint8(at + 2) << 24) | (view.getUint16(at, true) << 8)) / 2 ** 31;
      else if (size === 4) v = view.getInt32(at, true) / 2 ** 31;
      else v = (view.getUint8(at) - 128) / 128;
      sum += difference && c === 1 ? -v : v;
    }
    into[f] = sum * gain;
  }
  return into.subarray(0, frames);
}
