// How alike two small gray pictures are, and whether an output frame at a seam is the source frame
// of its own index or a neighbour's. Pure: no ffmpeg, no I/O.

/** PSNR of two 8-bit pictures of the same size, dB; identical pictures give PSNR_CAP. Pure. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0)
    throw new Error(`pictures differ in size: ${a.length}, ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? PSNR_CAP : Math.min(PSNR_CAP, 10 * Math.log10((255 * 255) / mse));
}

/** What identical pictures score, dB. */
export const PSNR_CAP = 99;

/**
 * A neighbour must match this much better than the frame's own index to count as evidence, dB:
 * encoding noise moves the two by a dB or so, and a still shot makes them equal.
 */
export const SEAM_MARGIN_DB = 3;
/** An own-index match this good is the right frame whatever its neighbours score (a still shot), dB. */
export const SEAM_CLEAR_DB = 40;
/**
 * Under this the output frame is like none of the three, dB: a frame from elsewhere where its own
 * index matches no better than its neighbours. Never a failure: a correct encode at the lowest
 * quality scores 14 dB on coarse noise, and dense noise blurs to grey, as far from every frame.
 */
export const SEAM_UNLIKE_DB = 12;

/** An output frame's PSNR against the source frames before, at and after its own index, dB. */
export interface SeamMatch {
  previous: number;
  own: number;
  next: number;
}

/**
 * 'early': the output frame is clearly the source's previous frame (the segment starts a frame
 * early); 'late': the next one; 'unclear': like none of them, own index no better (SEAM_UNLIKE_DB),
 * which passes; 'ok' also wherever a neighbour is not clearly closer. Pure.
 */
export function judgeSeam(m: SeamMatch): 'ok' | 'early' | 'late' | 'unclear' {
  if (m.own >= SEAM_CLEAR_DB) return 'ok';
  if (m.next >= m.previous && m.next - m.own >= SEAM_MARGIN_DB) return 'late';
  if (m.previous > m.next && m.previous - m.own >= SEAM_MARGIN_DB) return 'early';
  const neighbour = Math.max(m.previous, m.next);
  return m.own < SEAM_UNLIKE_DB && m.own - neighbour < SEAM_MARGIN_DB ? 'unclear' : 'ok';
}

/** Where a checked seam is: the segment it starts (its index), its first frame and that frame's time. */
export interface SeamPlace {
  segment: number;
  frame: number;
  timeSec: number;
}

/**
 * What judgeSeam saw at a seam, in one line naming the seam and the evidence: the failure ('early',
 * 'late') or the debug line ('unclear'). Pure.
 */
export function seamFailure(place: SeamPlace, m: SeamMatch, verdict: 'early' | 'late' | 'unclear'): string {
  const { segment, frame } = place;
  const at = `segment ${segment} (frame ${frame}, ${place.timeSec.toFixed(3)} s)`;
  const db = (v: number) => `${v.toFixed(1)} dB`;
  if (verdict === 'unclear') {
    return `${at} starts with a picture like none of source frames ${frame - 1}-${frame + 1} (best ${db(Math.max(m.previous, m.own, m.next))}): too little to judge by`;
  }
  const [word, other, score] =
    verdict === 'late' ? ['late', frame + 1, m.next] : ['early', frame - 1, m.previous];
  return `${at} starts one frame ${word}: output frame ${frame} matches source frame ${other} (${db(score)}) better than ${frame} (${db(m.own)})`;
}
