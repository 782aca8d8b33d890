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
}

/** Data sizes this large are a writer's "unknown" (0xFFFFFFFF, 0x7FFFFFFF and the like). */
const PLACEHOLDER = 0x7fff0000;

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** Bytes of the file from `offset` (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/** Chunks walked before giving up on finding the samples (real files have a handful). */
const MAX_CHUNKS = 256;

/**
 * Reads a WAV file's layout by walking its chunks (metadata such as cover art or a broadcast
 * extension may come before the samples, whatever their size), given the file's size. Undefined
 * for anything this reader does not decode itself (not RIFF/WAVE, RF64, compressed formats, odd
 * sample sizes, more than two channels, no data chunk): ffmpeg decodes those. A data chunk whose
 * size is 0 or past the end (a WAV written to a pipe, or one cut short: `promisedBytes`) runs to
 * the end of the file.
 */
export async function readWavLayout(read: ReadAt, fileSize: number): Promise<WavLayout | undefined> {
  const tag = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  const head = await read(0, 12);
  if (head.length < 12 || tag(head, 0) !== 'RIFF' || tag(head, 8) !== 'WAVE') return undefined;
  let format: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | undefined;
  for (let at = 12, chunks = 0; at + 8 <= fileSize && chunks < MAX_CHUNKS; chunks++) {
    const header = await read(at, 8);
    if (header.length < 8) return undefined;
    const id = tag(header, 0);
    const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || size > 1024) return undefined;
      const fmt = await read(body, size);
      if (fmt.length < size) return undefined;
      format = fmtChunk(new DataView(fmt.buffer, fmt.byteOffset, fmt.byteLength), 0, size);
      if (!format) return undefined;
    } else if (id === 'data') {
      if (!format) return undefined;
      const frame = format.bytes * format.channels;
      const available = fileSize - body;
      const bytes = size === 0 || size > available ? available : size;
      const cut = size > available && size < PLACEHOLDER;
      return {
        ...format,
        dataOffset: body,
        dataBytes: bytes - (bytes % frame),
        ...(cut ? { promisedBytes: size - (size % frame) } : {}),
      };
    }
    // Chunks are padded to an even size.
    at = body + size + (size % 2);
  }
  return undefined;
}

function fmtChunk(view: DataView, at: number, size: number) {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === EXTENSIBLE) {
    if (size < 40) return undefined;
    // The sub-format GUID's first two bytes are the format tag.
    tag = view.getUint16(at + 24, true);
  }
  const bytes = bits / 8;
  const float = tag === FLOAT;
  if (tag !== PCM && !float) return undefined;
  if (float ? bytes !== 4 && bytes !== 8 : ![1, 2, 3, 4].includes(bytes)) return undefined;
  // The container's block size must agree with the sample size (no packed 20-bit in 3 bytes).
  if (view.getUint16(at + 12, true) !== bytes * channels) return undefined;
  // Mono and stereo only: ffmpeg downmixes more channels with a matrix (centre and surrounds
  // weighted, LFE dropped) that a plain mean would not match.
  if (channels < 1 || channels > 2 || sampleRate < 1000 || sampleRate > 768_000) return undefined;
  return { sampleRate, channels, bytes: bytes as WavLayout['bytes'], float };
}

/**
 * The mono mix of whole frames in `bytes` (little-endian, as `layout` says), as
 * Float32 in -1..1 the way ffmpeg converts and downmixes them (8-bit is unsigned, the others
 * signed; stereo to mono is (L + R) / sqrt 2, not the mean: its default matrix), into
 * `out` when it is long enough; returns the samples, a view of `out` or a new array. With `mix`
 * 'difference', (L - R) / sqrt 2 instead (silence for mono), as pcmDecodeArgs asks ffmpeg for it.
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
  const gain = channels === 2 ? Math.SQRT1_2 : difference ? 0 : 1;
  let at = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += size) {
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
