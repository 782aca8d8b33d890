import { stat } from 'node:fs/promises';
import { avcConfigSps } from './h264-sps.js';
import { boxes, child } from './mp4-boxes.js';
import { decodeVideoOf } from './mp4-header.js';
import { durationOf, handlerOf, sampleEntry, sampleSizes, timescaleOf } from './mp4-tracks.js';
import { readMoov } from './mp4-samples.js';
import { formatRational, reduced } from './rational.js';
import { mp4AudioOnlyTiming, mp4Timing, type StreamTiming } from './mp4-timing.js';
import type { RawProbe, RawStream } from './probe-header.js';

/**
 * ffprobe's header answer (`-show_streams -show_format`) for the commonest input there is, one
 * H.264 video track with at most one AAC-LC mono or stereo track in a plain MP4/MOV (or that AAC
 * track alone: an M4A, a transcode's audio file), read from its
 * moov in-process: ffprobe's start (0.15-0.25 s beside Node's own) is most of what a short
 * transcode waits for before its encode can start. Undefined for anything else, or anything this
 * reader is unsure of (see decodeVideoOf, avcConfigSps, mp4Timing): the caller asks ffprobe.
 * Tested field for field against ffprobe.
 */
export async function mp4HeaderProbe(path: string): Promise<RawProbe | undefined> {
  const [moov, info] = await Promise.all([readMoov(path).catch(() => undefined), stat(path)]);
  if (!moov) return undefined;
  const traks = boxes(moov)
    .filter((b) => b.type === 'trak')
    .map((b) => b.body);
  const handlers = traks.map(handlerOf);
  const videoAt = handlers.indexOf('vide');
  const audioAt = handlers.indexOf('soun');
  // Exactly one video track and at most one audio track: other tracks are streams ffprobe lists.
  if (handlers.some((h, i) => (h !== 'vide' && h !== 'soun') || (i !== videoAt && i !== audioAt)))
    return undefined;
  // A table claiming more entries than its box holds is a header ffmpeg refuses: ffprobe says so.
  if (!traks.every(tablesFit)) return undefined;
  if (videoAt < 0) return audioOnly(moov, traks, info.size);
  const timing = mp4Timing(moov);
  const decode = decodeVideoOf(moov, info.size);
  if (!timing || !decode || decode.variableFrameRate) return undefined;
  const video = videoStream(traks[videoAt]!, videoAt, timing.video, decode);
  const audio = audioAt < 0 ? undefined : audioStream(traks[audioAt]!, audioAt, timing.audio!);
  if (!video || (audioAt >= 0 && !audio)) return undefined;
  const streams = [video, ...(audio ? [audio] : [])].sort((a, b) => a.index - b.index);
  const spans = [timing.video, ...(timing.audio ? [timing.audio] : [])];
  const start = Math.min(...spans.map((s) => s.startSec));
  // The movie's own length (mvhd), as ffmpeg takes it: the tracks' ends are rounded to its ticks.
  const duration = movieSeconds(moov) ?? Math.max(...spans.map((s) => s.startSec + s.durationSec)) - start;
  if (!(duration > 0)) return undefined;
  return {
    streams,
    format: {
      format_name: 'mov,mp4,m4a,3gp,3g2,mj2',
      start_time: start.toFixed(6),
      duration: duration.toFixed(6),
      bit_rate: String(Math.floor((info.size * 8) / duration)),
    },
  };
}

/**
 * Whether an MP4/MOV surely has no chapters, from its moov in-process: every track is sound or
 * picture and no box names chapters. ffmpeg reads them from a Nero 'chpl' box and from tracks a
 * 'chap' reference names (text, or pictures); either four letters anywhere in the moov, a track of
 * any other kind, or a moov this reader cannot find, and the caller asks ffprobe.
 */
export async function mp4WithoutChapters(path: string): Promise<boolean> {
  const moov = await readMoov(path).catch(() => undefined);
  if (!moov || moov.includes('chpl', 0, 'latin1') || moov.includes('chap', 0, 'latin1')) return false;
  const traks = boxes(moov).filter((b) => b.type === 'trak');
  return traks.every((t) => {
    const handler = handlerOf(t.body);
    return handler === 'vide' || handler === 'soun';
  });
}

/** An M4A's (or a transcode's audio file's) one AAC-LC track, as ffprobe reports it. */
function audioOnly(moov: Buffer, traks: Buffer[], size: number): RawProbe | undefined {
  const timing = mp4AudioOnlyTiming(moov);
  const audio = timing && audioStream(traks[0]!, 0, timing);
  if (!timing || !audio) return undefined;
  const duration = movieSeconds(moov) ?? timing.durationSec;
  if (!(duration > 0)) return undefined;
  return {
    streams: [audio],
    format: {
      format_name: 'mov,mp4,m4a,3gp,3g2,mj2',
      start_time: timing.startSec.toFixed(6),
      duration: duration.toFixed(6),
      bit_rate: String(Math.floor((size * 8) / duration)),
    },
  };
}

type Decoded = NonNullable<ReturnType<typeof decodeVideoOf>>;

function videoStream(
  trak: Buffer,
  index: number,
  timing: StreamTiming,
  decode: Decoded,
): RawStream | undefined {
  const entry = sampleEntry(trak);
  if (!entry || (entry.format !== 'avc1' && entry.format !== 'avc3')) return undefined;
  // VisualSampleEntry: 78 bytes of fields before its boxes (avcC, pasp, btrt, colr).
  const inner = boxes(entry.body.subarray(78));
  const avcC = inner.find((b) => b.type === 'avcC')?.body;
  const sps = avcC && avcConfigSps(avcC);
  if (!sps || sps.width !== decode.width || sps.height !== decode.height) return undefined;
  // Two fields a frame (QuickTime's fiel): ffprobe names their order, which a transcode acts on.
  if ((inner.find((b) => b.type === 'fiel')?.body[0] ?? 1) > 1) return undefined;
  const pasp = inner.find((b) => b.type === 'pasp')?.body;
  // The container's aspect wins over the stream's, as ffprobe reports it.
  const sar =
    pasp && pasp.length >= 8 && pasp.readUInt32BE(0) > 0 && pasp.readUInt32BE(4) > 0
      ? reduced(pasp.readUInt32BE(0), pasp.readUInt32BE(4))
      : sps.sar && reduced(sps.sar.num, sps.sar.den);
  const table = trackTable(trak, timing);
  if (!table) return undefined;
  return {
    index,
    codec_type: 'video',
    codec_name: 'h264',
    profile: sps.profile,
    width: sps.width,
    height: sps.height,
    pix_fmt: sps.pixFmt,
    // Frame-coded pictures without a pic_struct (avcConfigSps) and no fiel box: progressive frames.
    field_order: 'progressive',
    r_frame_rate: formatRational(decode.frameRate),
    // Over the whole media (mdhd), as ffmpeg: an edit list trimming it changes no rate.
    avg_frame_rate: formatRational(reduced(table.count * table.timescale, table.media)),
    start_time: timing.startSec.toFixed(6),
    duration: timing.durationSec.toFixed(6),
    nb_frames: String(table.count),
    bit_rate: table.bitRate,
    ...(sar ? { sample_aspect_ratio: `${sar.num}:${sar.den}` } : {}),
    ...(decode.rotation
      ? { side_data_list: [{ side_data_type: 'Display Matrix', rotation: decode.rotation }] }
      : {}),
  };
}

/** AAC-LC, mono or stereo, from the esds' AudioSpecificConfig. */
function audioStream(trak: Buffer, index: number, timing: StreamTiming): RawStream | undefined {
  const entry = sampleEntry(trak);
  if (!entry || entry.format !== 'mp4a') return undefined;
  // AudioSampleEntry: 28 bytes of fields before its boxes; QuickTime's versions 1 and 2 add 16 and 36.
  const fields = [28, 44, 64][entry.body.length >= 10 ? entry.body.readUInt16BE(8) : 3];
  if (fields === undefined || entry.body.length < fields) return undefined;
  const inner = boxes(entry.body.subarray(fields));
  // A QuickTime movie may keep the esds inside a 'wave' box.
  const wave = inner.find((b) => b.type === 'wave')?.body;
  const esds = [...inner, ...(wave ? boxes(wave) : [])].find((b) => b.type === 'esds')?.body;
  const config = esds && audioConfig(esds);
  const table = trackTable(trak, timing);
  if (!config || !table) return undefined;
  return {
    index,
    codec_type: 'audio',
    codec_name: 'aac',
    profile: 'LC',
    sample_rate: String(config.sampleRate),
    channels: config.channels,
    channel_layout: config.channels === 1 ? 'mono' : 'stereo',
    start_time: timing.startSec.toFixed(6),
    duration: timing.durationSec.toFixed(6),
    nb_frames: String(table.count),
    bit_rate: table.bitRate,
  };
}

/** Bytes per entry of the sample tables, after their 8-byte header (stsz: 12, with its sample size). */
const ENTRY_BYTES: Record<string, number> = { stts: 8, ctts: 8, stss: 4, stsc: 12, stco: 4, co64: 8 };

/** Whether every sample table of a track holds the entries its count claims. */
function tablesFit(trak: Buffer): boolean {
  const stbl = child(trak, ['mdia', 'minf', 'stbl']);
  if (!stbl) return false;
  return boxes(stbl).every(({ type, body }) => {
    const size = ENTRY_BYTES[type];
    if (type === 'stsz')
      return (
        body.length >= 12 && (body.readUInt32BE(4) !== 0 || body.length >= 12 + 4 * body.readUInt32BE(8))
      );
    return size === undefined || (body.length >= 8 && body.length >= 8 + size * body.readUInt32BE(4));
  });
}

/** Sample count, time scale, the media's length in ticks and ffmpeg's bit rate (bytes over that length). */
function trackTable(trak: Buffer, timing: StreamTiming) {
  const mdhd = child(trak, ['mdia', 'mdhd']);
  const stsz = child(trak, ['mdia', 'minf', 'stbl', 'stsz']);
  if (!mdhd || !stsz || stsz.length < 12) return undefined;
  const timescale = timescaleOf(mdhd);
  const sizes = sampleSizes(stsz);
  if (!sizes || sizes.count === 0) return undefined;
  const { count, bytes } = sizes;
  const ticks = Math.round(timing.durationSec * timescale);
  // ffmpeg divides by the media's whole length (mdhd), an AAC encoder's priming included.
  const media = durationOf(mdhd);
  if (timescale <= 0 || ticks <= 0 || media <= 0) return undefined;
  return { count, timescale, media, bitRate: String(Math.floor((bytes * 8 * timescale) / media)) };
}

/** Sample rate and channels of an AAC-LC esds (ES, DecoderConfig and DecoderSpecificInfo descriptors). */
function audioConfig(esds: Buffer): { sampleRate: number; channels: number } | undefined {
  let at = 4; // full box version and flags
  const descriptor = (tag: number): number | undefined => {
    if (esds[at] !== tag) return undefined;
    at++;
    let length = 0;
    for (let i = 0; i < 4; i++) {
      const byte = esds[at++];
      if (byte === undefined) return undefined;
      length = (length << 7) | (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    return length;
  };
  if (descriptor(0x03) === undefined) return undefined;
  const flags = esds[at + 2] ?? 0;
  at += 3; // ES_ID, flags
  if (flags & 0x80) at += 2; // depends on another stream
  if (flags & 0x40) at += 1 + (esds[at] ?? 0); // URL
  if (flags & 0x20) at += 2; // OCR stream
  if (descriptor(0x04) === undefined || esds[at] !== 0x40) return undefined; // MPEG-4 audio
  at += 13; // objectTypeIndication, streamType, bufferSize, max and average bitrate
  if (descriptor(0x05) === undefined || at + 2 > esds.length) return undefined;
  const asc = esds.readUInt16BE(at);
  const objectType = asc >> 11;
  const rateIndex = (asc >> 7) & 0x0f;
  const channels = (asc >> 3) & 0x0f;
  const rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
  if (objectType !== 2 || rates[rateIndex] === undefined || (channels !== 1 && channels !== 2))
    return undefined;
  return { sampleRate: rates[rateIndex], channels };
}

function movieSeconds(moov: Buffer): number | undefined {
  const mvhd = child(moov, ['mvhd']);
  if (!mvhd || mvhd.length < 32) return undefined;
  const scale = timescaleOf(mvhd);
  const length = durationOf(mvhd);
  return scale > 0 && length > 0 ? length / scale : undefined;
}
