import { boxes, child } from './mp4-boxes.js';
import { readMoov, trackPackets } from './mp4-samples.js';
import { reduced } from './rational.js';
import { isVideoTrak, sampleEntry, videoTrack } from './mp4-tracks.js';
import { analysePackets, type VideoStreamInfo } from './probe.js';

/** What a frame decoder and its shard plan need of a video stream. */
export type DecodeVideo = Pick<
  VideoStreamInfo,
  | 'width'
  | 'height'
  | 'rotation'
  | 'frameRate'
  | 'frameCount'
  | 'keyframes'
  | 'variableFrameRate'
  | 'frameTimes'
> & {
  /** Coded bytes of each frame in presentation order, where the sample table lists them. */
  frameBytes?: number[];
};

/**
 * A plain MP4/MOV's first video track as `probe` would describe it for decoding frames (coded size,
 * display rotation, base rate, exact frame count, keyframes, VFR verdict), read from its moov box
 * in-process instead of starting ffprobe (about 0.1 s before the first decoder could start).
 * Undefined wherever ffprobe's answer could differ, and the caller asks ffprobe: not an MP4, a
 * fragmented or truncated one, cover art (an extra video stream, maybe the first), a movie matrix, a flip or a
 * rotation that is not a quarter turn, several edits, a frame rate that is not one step of the
 * time scale, an unknown sample entry. Pure apart from reading the file.
 */
export async function mp4DecodeVideo(path: string, fileSize: number): Promise<DecodeVideo | undefined> {
  const moov = await readMoov(path).catch(() => undefined);
  return moov && decodeVideoOf(moov, fileSize);
}

/** mp4DecodeVideo of a `moov` body already read, from a file of `fileSize` bytes. Pure. */
export function decodeVideoOf(moov: Buffer, fileSize: number): DecodeVideo | undefined {
  if (moov.includes('covr', 0, 'latin1')) return undefined;
  const mvhd = child(moov, ['mvhd']);
  // mvhd: version 1 has 64-bit times and duration; the matrix follows 48 (version 0: 36) bytes in.
  if (!mvhd || !isIdentity(matrixOf(mvhd, mvhd[0] === 1 ? 48 : 36))) return undefined;
  const traks = boxes(moov)
    .filter((b) => b.type === 'trak')
    .map((b) => b.body);
  // The first video track: ffmpeg's 0:v:0 and the stream probe picks.
  const index = traks.findIndex(isVideoTrak);
  if (index < 0) return undefined;
  const trak = traks[index]!;
  const size = codedSize(trak);
  const rotation = rotationOf(child(trak, ['tkhd']));
  const track = videoTrack(moov, index);
  if (!size || rotation === undefined || !track || track.dataEnd > fileSize || track.samples.length === 0)
    return undefined;
  // A copy cut mid-GOP stores frames before its first sync sample that no decoder gives: the
  // probe's path knows that lead (where frame 0 is, and the warning).
  if (track.cutMidGop) return undefined;
  const step = commonStep(track.samples.map((s) => s.duration));
  if (step === undefined) return undefined;
  const frameRate = reduced(track.timescale, step);
  const timeline = analysePackets(trackPackets(track), frameRate);
  // Presentation order, as the frame indices count (composition time; ties keep decode order).
  const frameBytes = track.samples
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.time - b.s.time || a.i - b.i)
    .map(({ s }) => s.bytes);
  return { ...size, rotation, frameRate, ...timeline, frameBytes };
}

/** Sample entries that ffmpeg decodes as video. */
const VISUAL = new Set([
  'avc1',
  'avc3',
  'hvc1',
  'hev1',
  'av01',
  'vp09',
  'vp08',
  'mp4v',
  'mjpa',
  'jpeg',
  'apch',
  'apcn',
  'apcs',
  'apco',
  'ap4h',
]);

/** The first sample entry's width and height (what the decoder outputs), for a known video codec. */
function codedSize(trak: Buffer): { width: number; height: number } | undefined {
  const entry = sampleEntry(trak);
  // The visual entry: 6 reserved, data reference index (2), 16 bytes pre-defined and reserved,
  // then width (2) and height (2).
  if (!entry || entry.body.length < 28 || !VISUAL.has(entry.format)) return undefined;
  const width = entry.body.readUInt16BE(24);
  const height = entry.body.readUInt16BE(26);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** The 3x3 display matrix of tkhd or mvhd, at byte `at` of the box body (a, b, u, c, d, v, x, y, w). */
function matrixOf(body: Buffer, at: number): number[] | undefined {
  if (body.length < at + 36) return undefined;
  return Array.from({ length: 9 }, (_, i) => body.readInt32BE(at + 4 * i));
}

function isIdentity(m: number[] | undefined): boolean {
  return m !== undefined && m.every((v, i) => v === [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000][i]);
}

/**
 * The rotation ffprobe reports (-atan2(b, a), degrees, as 0-359) for a matrix that is a pure
 * quarter turn; undefined for a flip, a scale or any other angle.
 */
function rotationOf(tkhd: Buffer | undefined): number | undefined {
  // version 1: 64-bit creation, modification and duration; the matrix follows 52 bytes in.
  const m = tkhd && matrixOf(tkhd, tkhd[0] === 1 ? 52 : 40);
  if (!m) return undefined;
  const [a, b, , c, d] = m as [number, number, number, number, number];
  const one = 0x10000;
  const turns: [number, number, number, number, number][] = [
    [0, one, 0, 0, one],
    [90, 0, one, -one, 0],
    [180, -one, 0, 0, -one],
    [270, 0, -one, one, 0],
  ];
  // ffprobe's rotation is -atan2(b, a): b = +1 (a quarter turn clockwise on display) reads -90.
  const turn = turns.find(([, ta, tb, tc, td]) => ta === a && tb === b && tc === c && td === d);
  return turn === undefined ? undefined : (360 - turn[0]) % 360;
}

/** The sample duration nearly every sample has (all but one in a hundred and the last); undefined for VFR. */
function commonStep(durations: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const d of durations) counts.set(d, (counts.get(d) ?? 0) + 1);
  let step = 0;
  let most = 0;
  for (const [d, n] of counts) if (n > most) [step, most] = [d, n];
  return step > 0 && durations.length - most <= Math.max(1, durations.length * 0.01) ? step : undefined;
}
