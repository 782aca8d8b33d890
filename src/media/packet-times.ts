// Packets as ffprobe lists them, and the presentation times of those the container left without.
import { rationalValue, type Rational } from './rational.js';

export interface Packet {
  /** NaN where the container left it out. */
  pts: number;
  dts?: number;
  duration: number;
  key: boolean;
  /** The decode time stands in for the presentation time the container left out (AVI). */
  fromDecodeTime?: true;
}

/**
 * A packet without a presentation time is still a frame. AVI stores none: the decode times, a
 * regular grid, stand in. MPEG-PS leaves out a few: they take the holes the others leave on the
 * frame grid, in order (their decode times would collide with reordered frames' times). Pure.
 */
export function withPresentationTimes(packets: readonly Packet[]): Packet[] {
  const missing = packets.filter((p) => !Number.isFinite(p.pts));
  if (missing.length === 0) return [...packets];
  if (missing.length === packets.length)
    return packets.map((p) => ({ ...p, pts: p.dts ?? Number.NaN, fromDecodeTime: true }));
  const known = packets.filter((p) => Number.isFinite(p.pts)).sort((a, b) => a.pts - b.pts);
  // A loop, not Math.min(...): a two-hour stream has more packets than a call takes arguments.
  let step = Infinity;
  for (let i = 1; i < known.length; i++) {
    const d = known[i]!.pts - known[i - 1]!.pts;
    if (d > 1e-6) step = Math.min(step, d);
  }
  const out: Packet[] = [];
  let left = missing.length;
  for (const [i, p] of known.entries()) {
    out.push(p);
    const next = known[i + 1];
    for (let t = p.pts + step; next && left > 0 && t < next.pts - step / 2; t += step, left--) {
      out.push({ pts: t, duration: step, key: false });
    }
  }
  for (let t = known.at(-1)!.pts + step; left > 0; t += step, left--)
    out.push({ pts: t, duration: step, key: false });
  return out;
}

/**
 * The packets that make the video's frames. A stream cut mid-GOP (a TS recording or capture started
 * late, a cut without re-encoding) opens with packets that refer to pictures before its start. They
 * are left out up to the first keyframe, and with them that keyframe's leading pictures (shown
 * before it, decoded after it): the video starts at that keyframe. ffmpeg's H.264 and MPEG-2
 * decoders show none of them; its HEVC decoder (5.1) skips only a CRA's RASL pictures and shows the
 * pictures before the first keyframe, grey where their references are missing, so a range decoded
 * from the first packet drops those by time (rangeInput's cutMidGop). A stream that opens with a
 * keyframe, or has none flagged, is kept whole. Packets in decode (file) order. Pure.
 */
export function decodablePackets(packets: readonly Packet[]): Packet[] {
  const first = packets.findIndex((p) => p.key);
  if (first <= 0) return [...packets];
  const at = packets[first]!.pts;
  return packets.slice(first).filter((p, i) => i === 0 || !(p.pts < at));
}

/**
 * Whether frames the header counts but the demuxer does not give lie inside the stream, not past
 * its end: an AVI's empty chunks (a capture tool's dropped frames, each meaning "show the last one
 * again") are counted in its index and skipped by the demuxer, which leaves gaps in the times of
 * the frames it gives (VFR, normalised as such). A file cut short loses its last frames instead:
 * its frames' times stop short of the header's count.
 */
export function spansHeader(packets: readonly Packet[], frameRate: Rational, headerFrames: number): boolean {
  if (packets.length === 0) return false;
  let first = Infinity;
  let last = -Infinity;
  for (const p of packets) {
    first = Math.min(first, p.pts);
    last = Math.max(last, p.pts);
  }
  const frames = (last - first) * rationalValue(frameRate) + 1;
  return frames >= headerFrames * 0.98;
}

/** A step between frames this many frame periods long or more leaves a frame's time empty. */
const GAP_FRAMES = 1.75;

/** Derives frame count, keyframe indices and frame-rate regularity from demuxed packets. Pure. */
export function analysePackets(
  packets: readonly Packet[],
  frameRate: Rational,
): { frameCount: number; keyframes: number[]; variableFrameRate: boolean; frameTimes?: number[] } {
  const sorted = [...packets].sort((a, b) => a.pts - b.pts);
  const keyframes: number[] = [];
  sorted.forEach((p, i) => {
    if (p.key) keyframes.push(i);
  });
  if (keyframes[0] !== 0) keyframes.unshift(0);
  const nominal = frameRate.den / frameRate.num;
  let irregular = 0;
  let gap = false;
  for (let i = 1; i < sorted.length; i++) {
    const delta = sorted[i]!.pts - sorted[i - 1]!.pts;
    if (Math.abs(delta - nominal) > nominal * 0.25) irregular++;
    // Decode times standing in for presentation times run a reordering decoder's delay late after
    // the first frame (H.264 in AVI: 0, 0.08, 0.12 s at 25 fps): that first step is no gap.
    if (delta >= GAP_FRAMES * nominal && !(i === 1 && sorted[i]!.fromDecodeTime)) gap = true;
  }
  // A single odd step (an edit-list seam, a final short frame) does not make a stream VFR; one
  // where a frame or more is missing does: counted at the nominal rate, every frame after it
  // would be shown that much early (a 3 s gap packed away: 6 s of video played in 3).
  const variableFrameRate = gap || irregular > Math.max(1, sorted.length * 0.01);
  const first = sorted[0]?.pts ?? 0;
  return {
    frameCount: sorted.length,
    keyframes,
    variableFrameRate,
    ...(variableFrameRate ? { frameTimes: sorted.map((p) => Math.round((p.pts - first) * 1e6) / 1e6) } : {}),
  };
}

/**
 * The frames of a stream cut short (its last packet, in decode order, partial) that are whole: the
 * last packet goes, with every frame shown at or after its decode time. A frame shown earlier was
 * decoded earlier (a decode time is never past its presentation time), so the frames kept run
 * without a hole: the B-frames the cut lost lie after that time. Pure.
 */
export function wholeBeforeCut(packets: readonly Packet[]): Packet[] {
  const last = packets.at(-1);
  if (!last) return [];
  const cutAt = last.dts !== undefined && Number.isFinite(last.dts) ? Math.min(last.dts, last.pts) : last.pts;
  return packets.slice(0, -1).filter((p) => p.pts < cutAt);
}

/** How long the frames kept before a cut are shown: to the last one's end, from `start`. Pure. */
export function shownBeforeCut(packets: readonly Packet[], start: number, frameRate: Rational): number {
  let end = start;
  for (const p of packets) end = Math.max(end, p.pts + (p.duration || 1 / rationalValue(frameRate)));
  return end - start;
}
