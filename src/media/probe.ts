import { statInput } from './input-file.js';
import { hasSampleTables, mp4EditCount, mp4PacketTable } from './mp4-samples.js';
import { parseRational, rationalValue, type Rational } from './rational.js';
import { readHeader, startTimecode, takeEarlyProbe, type RawStream } from './probe-header.js';
import { scanPackets } from './packet-scan.js';
import { analysePackets, decodablePackets, shownBeforeCut, wholeBeforeCut } from './packet-times.js';
import { pidOf, transportCut, type CutTail } from './transport-cut.js';
import { matroskaCut } from './matroska-extent.js';
import { refuseCutMatroska, refuseDenseTable, refuseManyEdits, refuseMissingFrames } from './truncation.js';
import { streamJoins, sizesMayChange, type StreamJoins } from './frame-sizes.js';

export { notAFile, statFile, statInput } from './input-file.js';
export { analysePackets, withPresentationTimes } from './packet-times.js';

export interface VideoStreamInfo extends StreamJoins {
  index: number;
  codec: string;
  profile: string | undefined;
  width: number;
  height: number;
  pixFmt: string;
  colorTransfer?: string | undefined; // ffprobe's color_transfer: smpte2084 and arib-std-b67 are HDR
  /** ffprobe's field_order: progressive, tt, bb, tb, bt (interlaced), or absent where unknown. */
  fieldOrder?: string | undefined;
  /** The stream's base rate (r_frame_rate): the CFR grid framefleet encodes on. */
  frameRate: Rational;
  avgFrameRate: Rational | undefined;
  /** Exact number of frames, counted from the packets, not taken from the header. */
  frameCount: number;
  /** True when frame durations vary by more than a quarter frame. */
  variableFrameRate: boolean;
  /** Presentation-order indices of keyframes. */
  keyframes: number[];
  /** Variable frame rate only: each frame's presentation time, seconds after the first frame's. */
  frameTimes?: number[];
  /** Presentation time of the first frame, seconds. */
  startTimeSec: number;
  /** Packets before the first keyframe of a stream cut mid-GOP, and its leading ones: not counted, never output. */
  undecodableLead?: number;
  /**
   * A transport stream cut short inside a packet: its last video packet is partial, and it and the
   * frames shown after its decode time (packets: how many) are not counted, never output.
   */
  cutTail?: CutTail;
  durationSec: number;
  /** Display rotation in degrees from the display matrix (0, 90, 180, 270). */
  rotation: number;
  sampleAspect: Rational; // pixel aspect ratio (SAR), 1:1 when the stream sets none
  bitRate: number | undefined;
  /** The track's name (a Matroska track's title), where it has one. */
  title?: string;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout: string | undefined;
  startTimeSec: number;
  durationSec: number;
  /** Samples per coded frame (1024 for AAC); used as the A/V tolerance. */
  frameSize: number;
  bitRate: number | undefined;
  title?: string;
  /** The track's language tag (ISO 639-2, as ffprobe reports it), where it has one. */
  language?: string;
  /** The track's default flag (disposition), where set. */
  isDefault?: boolean;
}

/** A subtitle track: its codec (ffprobe's name) and tags. */
export type SubtitleStreamInfo = Pick<
  AudioStreamInfo,
  'index' | 'codec' | 'title' | 'language' | 'isDefault'
>;

export interface MediaInfo {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  formatName: string;
  durationSec: number;
  startTimeSec: number;
  bitRate: number | undefined;
  video: VideoStreamInfo | undefined;
  audio: AudioStreamInfo | undefined;
  /** Every audio track, in the source's order (the first is `audio`). */
  audioTracks: AudioStreamInfo[];
  subtitles: SubtitleStreamInfo[];
  /** Attached pictures (cover art): their stream numbers and codecs; absent where there are none. */
  coverArt?: { index: number; codec: string }[];
  streamCount: number;
  /** The start timecode (HH:MM:SS:FF, `;` before drop-frame frames) of a tmcd track or the file's tags. */
  timecode?: string;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Skip the packet scan (frame count, keyframes, VFR): header facts only. */
  headerOnly?: boolean;
}
/**
 * `mp4`: the file's size, where its sample table lists the packets; `matroska`: its Segment's
 * Duration; `sizes`: the format may change its picture size mid-stream (keyframes are decoded).
 */
type VideoOptions = ProbeOptions & {
  mp4?: number | undefined;
  /** An MPEG transport stream: it may be cut short (transportCut). */
  transport?: boolean;
  matroska?: { durationSec: number | undefined };
  sizes?: boolean;
};

/** Reads a media file's streams, exact frame count, keyframes and timing. */
export async function probe(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const info = await statInput(path);
  refuseManyEdits(path, await mp4EditCount(path));
  const raw = (await takeEarlyProbe(path, info)) ?? (await readHeader(path, options));
  const streams = raw.streams ?? [];
  const rawVideo = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const rawAudio = streams.find((s) => s.codec_type === 'audio');
  // An MP4/MOV lists its packets in its sample table, read in-process: no ffprobe scans them.
  const mp4 = hasSampleTables(raw.format?.format_name ?? '') ? info.size : undefined;
  const matroska = /matroska/.test(raw.format?.format_name ?? '')
    ? { durationSec: num(raw.format?.duration) }
    : undefined;
  const sizes = sizesMayChange(raw.format?.format_name ?? '');
  const transport = raw.format?.format_name === 'mpegts';
  const video = rawVideo
    ? await videoInfo(path, rawVideo, { ...options, mp4, matroska, sizes, transport })
    : undefined;
  return {
    path,
    sizeBytes: info.size,
    mtimeMs: info.mtimeMs,
    formatName: raw.format?.format_name ?? 'unknown',
    durationSec: num(raw.format?.duration) ?? video?.durationSec ?? 0,
    startTimeSec: num(raw.format?.start_time) ?? 0,
    bitRate: num(raw.format?.bit_rate),
    video,
    audio: rawAudio ? audioInfo(rawAudio) : undefined,
    audioTracks: streams.filter((s) => s.codec_type === 'audio').map(audioInfo),
    subtitles: streams.filter((s) => s.codec_type === 'subtitle').map(subtitleInfo),
    ...coverArtOf(streams),
    streamCount: streams.length,
    ...startTimecode(rawVideo, streams, raw.format?.tags?.timecode ?? raw.format?.tags?.TIMECODE),
  };
}

function coverArtOf(streams: readonly RawStream[]): Pick<MediaInfo, 'coverArt'> {
  const art = streams
    .filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic === 1)
    .map((s) => ({ index: s.index, codec: s.codec_name ?? 'unknown' }));
  return art.length ? { coverArt: art } : {};
}

async function videoInfo(path: string, s: RawStream, options: VideoOptions): Promise<VideoStreamInfo> {
  const frameRate = parseRational(s.r_frame_rate) ?? parseRational(s.avg_frame_rate) ?? { num: 25, den: 1 };
  const startTimeSec = num(s.start_time) ?? 0;
  const base: VideoStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? 'unknown',
    profile: s.profile,
    width: s.width ?? 0,
    height: s.height ?? 0,
    pixFmt: s.pix_fmt ?? 'unknown',
    colorTransfer: s.color_transfer,
    fieldOrder: s.field_order,
    frameRate,
    avgFrameRate: parseRational(s.avg_frame_rate),
    frameCount: Number(s.nb_frames ?? 0) || 0,
    variableFrameRate: false,
    keyframes: [0],
    startTimeSec,
    durationSec: streamDuration(s),
    rotation: rotationOf(s),
    sampleAspect: parseRational(s.sample_aspect_ratio?.replace(':', '/')) ?? { num: 1, den: 1 },
    bitRate: num(s.bit_rate),
    ...(s.tags?.title ? { title: s.tags.title } : {}),
  };
  if (options.headerOnly) return base;
  // Element headers only (a walk of the Clusters where the Segment's size is unknown): beside the scan.
  const cut = options.matroska && matroskaCut(path).catch(() => undefined);
  if (options.mp4 !== undefined) refuseDenseTable(path, Number(s.nb_frames ?? 0), options.mp4);
  const table = options.mp4 === undefined ? undefined : await mp4PacketTable(path, s.index, options.mp4);
  const fromTable = table?.packets;
  const scan = fromTable ? undefined : await scanPackets(path, s.index, options);
  const scanned = fromTable ?? scan!.packets;
  // A sample table lists what is stored: a copy cut mid-GOP (`-ss -c copy -copyinkf`) stores
  // frames before its first sync sample that no decoder can give.
  const decodable = fromTable && !table.cutMidGop ? fromTable : decodablePackets(scanned);
  // Cut inside a transport packet: the last video packet is partial (it decodes to a damaged frame).
  const transport = options.transport
    ? await transportCut(path, pidOf(s.id)).catch(() => undefined)
    : undefined;
  const packets = transport ? wholeBeforeCut(decodable) : decodable;
  const timeline = analysePackets(packets, frameRate);
  // Cut mid-GOP: the video starts at its first decodable frame, later than the stream's first packet.
  const lead = scanned.length - decodable.length;
  const start = lead > 0 ? packets.reduce((min, p) => Math.min(min, p.pts), Infinity) : startTimeSec;
  const joins = scan ? streamJoins(scan, start) : {};
  const shown = transport
    ? shownBeforeCut(packets, start, frameRate)
    : Math.max(0, base.durationSec - (start - startTimeSec));
  // Fewer frames than the header lists means a cut-short file, unless they come from the sample
  // table: its edit list may hide stored frames (a copy trimmed mid-GOP stores the GOP's start, and
  // nb_frames counts it), and a table whose samples run past the end is left to the scan above.
  refuseMissingFrames(path, fromTable ? 0 : Number(s.nb_frames ?? 0), { packets, frameRate });
  // Matroska lists no frame count: its element sizes and the length its header gives tell a cut.
  if (options.matroska) {
    const stated = base.durationSec > 0 ? startTimeSec + base.durationSec : options.matroska.durationSec;
    refuseCutMatroska(path, await cut, stated, { packets, frameRate });
  }
  return {
    ...base,
    ...(lead > 0 ? { startTimeSec: start, undecodableLead: lead } : {}),
    ...(transport ? { cutTail: { ...transport, packets: decodable.length - packets.length } } : {}),
    frameCount: timeline.frameCount,
    variableFrameRate: timeline.variableFrameRate,
    keyframes: timeline.keyframes,
    ...(timeline.frameTimes ? { frameTimes: timeline.frameTimes } : {}),
    ...joins,
    // Frames counted at a constant rate last at least as long as the count says: a header estimate
    // shorter than that (MPEG-PS ends its video before trailing B-frames) is too short.
    durationSec:
      !fromTable && !timeline.variableFrameRate
        ? Math.max(shown, timeline.frameCount / rationalValue(frameRate))
        : shown || timeline.frameCount / rationalValue(frameRate),
  };
}

/** A stream's display rotation, degrees 0-359, from its display matrix or legacy `rotate` tag. */
export function rotationOf(s: Pick<RawStream, 'side_data_list' | 'tags'>): number {
  const fromMatrix = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const raw = fromMatrix ?? Number(s.tags?.rotate ?? 0);
  return (((Math.round(raw) % 360) + 360) % 360) as number;
}

function audioInfo(s: RawStream): AudioStreamInfo {
  const frameSizes: Record<string, number> = {
    aac: 1024,
    mp3: 1152,
    mp2: 1152,
    opus: 960,
    ac3: 1536,
    eac3: 1536,
  };
  return {
    index: s.index,
    codec: s.codec_name ?? 'unknown',
    sampleRate: Number(s.sample_rate ?? 48_000),
    channels: s.channels ?? 2,
    channelLayout: s.channel_layout,
    startTimeSec: num(s.start_time) ?? 0,
    durationSec: streamDuration(s),
    frameSize: frameSizes[s.codec_name ?? ''] ?? 1024,
    bitRate: num(s.bit_rate),
    ...trackTags(s),
  };
}

function subtitleInfo(s: RawStream): SubtitleStreamInfo {
  return { index: s.index, codec: s.codec_name ?? 'unknown', ...trackTags(s) };
}

/** A track's name, language and default flag, where set. Pure. */
function trackTags(s: RawStream): { title?: string; language?: string; isDefault?: boolean } {
  return {
    ...(s.tags?.title ? { title: s.tags.title } : {}),
    ...(s.tags?.language ? { language: s.tags.language } : {}),
    ...(s.disposition?.default !== undefined ? { isDefault: s.disposition.default === 1 } : {}),
  };
}

/**
 * A stream's length: its own duration, else (Matroska, whose tracks have none) its DURATION tag,
 * which the muxer writes as the stream's end time (HH:MM:SS.nnnnnnnnn), less its start. Pure.
 */
export function streamDuration(s: Pick<RawStream, 'duration' | 'start_time' | 'tags'>): number {
  const own = num(s.duration);
  if (own !== undefined) return own;
  const end = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(s.tags?.DURATION ?? '');
  if (!end) return 0;
  const endSec = Number(end[1]) * 3600 + Number(end[2]) * 60 + Number(end[3]);
  return Math.max(0, endSec - (num(s.start_time) ?? 0));
}

function num(text: string | undefined): number | undefined {
  const value = text === undefined || text === 'N/A' ? NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}
