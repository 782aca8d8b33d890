import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FramefleetError, show } from '../errors.js';
import { mp4HeaderProbe } from './mp4-probe.js';
import { guardedInput, runFfprobe } from './run.js';

/** What a header probe takes: how long it may run and what stops it. */
export interface HeaderOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

// Hostile input limits: ffprobe may not read more than this to find streams.
export const PROBE_LIMITS = ['-probesize', '50M', '-analyzeduration', '30M'];

export interface RawStream {
  index: number;
  /** The container's own stream id: an MPEG-TS stream's PID, as "0x100". */
  id?: string;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_transfer?: string;
  field_order?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  start_time?: string;
  duration?: string;
  nb_frames?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  bit_rate?: string;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
  sample_aspect_ratio?: string;
  disposition?: { attached_pic?: number; default?: number };
  /** `rotate`: a legacy rotation; `DURATION`: a Matroska track's end time; `title`: its name. */
  tags?: {
    rotate?: string;
    DURATION?: string;
    title?: string;
    language?: string;
    timecode?: string;
    TIMECODE?: string;
  };
}

export interface RawProbe {
  streams?: RawStream[];
  format?: {
    format_name?: string;
    duration?: string;
    start_time?: string;
    bit_rate?: string;
    /** Matroska writes its tags' names in capitals. */
    tags?: { timecode?: string; TIMECODE?: string };
  };
}

/** A header probe started before the program loaded (`startEarlyProbe`), with the file it read. */
let early:
  | { path: string; size: number; mtimeMs: number; ino: number; raw: Promise<RawProbe | undefined> }
  | undefined;

/**
 * Starts the header probe of the input of `framefleet transcode FILE` before the program loads, so
 * it overlaps Node loading it: in-process for a plain H.264 MP4 (mp4HeaderProbe), else ffprobe. Its answer is used once, only by a
 * probe of the same file that has not changed since (same inode, size and mtime); a failure leaves
 * the real probe to run and report.
 */
export function startEarlyProbe(path: string): void {
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size === 0) return;
    const raw = readHeader(path, {}).catch(() => undefined);
    early = { path: resolve(path), size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, raw };
  } catch {
    // Not there: the command reports it.
  }
}

export async function takeEarlyProbe(
  path: string,
  info: { size: number; mtimeMs: number; ino: number },
): Promise<RawProbe | undefined> {
  const taken = early;
  if (!taken || taken.path !== resolve(path)) return undefined;
  early = undefined;
  const same = taken.size === info.size && taken.mtimeMs === info.mtimeMs && taken.ino === info.ino;
  return same ? taken.raw : undefined;
}

/**
 * A file's header as ffprobe reports it: from the moov in-process for a plain H.264 MP4 or an AAC
 * M4A (mp4HeaderProbe: a few milliseconds), else from ffprobe, which refuses what it cannot read.
 */
export async function readHeader(path: string, options: HeaderOptions): Promise<RawProbe> {
  return (await mp4HeaderProbe(path).catch(() => undefined)) ?? probeHeader(path, options);
}

export async function probeHeader(path: string, options: HeaderOptions): Promise<RawProbe> {
  try {
    const { stdout } = await runFfprobe(
      [...PROBE_LIMITS, '-show_streams', '-show_format', '-of', 'json', ...guardedInput(path)],
      { signal: options.signal, timeoutMs: options.timeoutMs ?? 60_000, label: `probe ${show(path)}` },
    );
    return JSON.parse(stdout.toString('utf8')) as RawProbe;
  } catch (error) {
    throw classifyProbeError(path, error);
  }
}

export function classifyProbeError(path: string, error: unknown): FramefleetError {
  if (!(error instanceof FramefleetError) || error.code !== 'FFMPEG_FAILED') {
    return error instanceof FramefleetError
      ? error
      : new FramefleetError('INTERNAL', String(error), { cause: error });
  }
  const tail = error.ffmpegTail ?? '';
  // ffmpeg picks the MP4 reader by a file's name, so any bytes named .mp4 lack "the moov atom":
  // only a file that starts as MP4 boxes do is a truncated or corrupt MP4.
  const broken =
    /partial file|truncat|corrupt|error reading header|invalid nal/i.test(tail) ||
    (/moov atom not found/i.test(tail) && startsWithBox(path));
  const code = broken ? 'INPUT_CORRUPT' : 'INPUT_NOT_MEDIA';
  const image = broken ? undefined : stillImage(path);
  // A format ffmpeg knows but the input guard does not take (guardedInput's MEDIA_FORMATS): its
  // last line says only "Invalid argument".
  const refused = /\[(\w+) @ [^\]]+\] Format not on whitelist/.exec(tail)?.[1];
  if (refused && !image) {
    return new FramefleetError(
      'INPUT_NOT_MEDIA',
      `input ${show(path)} is ${show(refused)} media, a format framefleet does not open (playlists, scripts and lists that name other files never; see the README for those it does)`,
      { cause: error, ffmpegTail: tail },
    );
  }

  const what = broken
    ? 'is truncated or corrupt'
    : image
      ? `is a still image (${image}), not a video or audio file`
      : 'is not a media file ffmpeg can read';
  // ffmpeg's own last line says nothing more about an image ("Invalid argument").
  const detail = image ? '' : `: ${tail.split('\n').pop() ?? ''}`;
  return new FramefleetError(code, `input ${show(path)} ${what}${detail}`.trim(), {
    cause: error,
    ffmpegTail: tail,
  });
}

/** Top-level box types an MP4/MOV file starts with. */
const FIRST_BOXES = new Set([
  'ftyp',
  'moov',
  'mdat',
  'free',
  'skip',
  'wide',
  'pnot',
  'uuid',
  'styp',
  'sidx',
  'moof',
]);

/** Whether the file's first 8 bytes are an MP4 box header (a size of 0, 1 or at least 8, a known type). */
function startsWithBox(path: string): boolean {
  const head = fileHead(path, 8);
  if (head.length < 8) return false;
  const size = head.readUInt32BE(0);
  return (size === 0 || size === 1 || size >= 8) && FIRST_BOXES.has(head.toString('latin1', 4, 8));
}

/** The image format a file's signature names (PNG, JPEG, GIF, WebP), which media inputs do not read. */
function stillImage(path: string): string | undefined {
  const head = fileHead(path, 12);
  if (head.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'PNG';
  if (head.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex'))) return 'JPEG';
  if (head.toString('latin1', 0, 4) === 'GIF8') return 'GIF';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'WebP';
  return undefined;
}

/** Up to `bytes` first bytes of a file (fewer, or none, where it is shorter or unreadable). */
function fileHead(path: string, bytes: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(bytes);
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The start timecode as ffmpeg reads it: the video's own tag (a MOV tmcd track the video refers
 * to), a data track's (tmcd), or the file's (MXF; Matroska's TIMECODE); only a well-formed one. Pure.
 */
export function startTimecode(
  video: RawStream | undefined,
  streams: readonly RawStream[],
  format: string | undefined,
): { timecode?: string } {
  const found = [video, ...streams.filter((s) => s.codec_type === 'data')]
    .map((s) => s?.tags?.timecode ?? s?.tags?.TIMECODE)
    .concat(format)
    .find((t) => t !== undefined && /^\d{2}:\d{2}:\d{2}[:;.]\d{2,3}$/.test(t));
  return found ? { timecode: found } : {};
}
