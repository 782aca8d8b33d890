import { mulberry32 } from '../../random.js';
import { planCuts, type MusicAnalysis } from './cut-plan.js';

/** One shot of one clip, as the clip's analysis found it. */
export interface ShotCandidate {
  /** Index of the clip in the job's clip list. */
  clip: number;
  /** Index of the shot within its clip. */
  shot: number;
  /** The clip's frame rate (frames per second). */
  fps: number;
  startFrame: number;
  /** Exclusive. */
  endFrame: number;
  /** Mean luma change per frame. */
  motion: number;
  /** Mean luma 0..255. */
  brightness: number;
  /** Mean absolute Laplacian; higher is sharper. */
  sharpness: number;
  /** Dominant colour, `#rrggbb`. */
  colour: string;
}

/** The shortest entry and usable shot by default, seconds. */
export const MIN_ENTRY_SEC = 0.4;

export interface EdlOptions {
  /** Output frame rate (frames per second) and length in frames. */
  fps: number;
  totalFrames: number;
  seed: number;
  /** Shortest and longest entry in seconds (default 0.4 and 3). */
  minEntrySec?: number;
  maxEntrySec?: number;
  /** Shots darker than this mean luma are black (default 24). */
  blackBelow?: number;
  /**
   * A shot below this fraction of a reference sharpness is blurry (default 0.35): of the median of
   * its own clip's other eligible shots, or, below `softBelow`, of the median of all eligible shots.
   */
  blurRatio?: number;
  /**
   * Shots below this mean absolute Laplacian (at the 256 px analysis size) are blurry whatever the
   * rest of the footage is like, so a folder of only blurred clips has no usable shot (default 2.5).
   */
  minSharpness?: number;
  /** Only shots below this sharpness are judged against other clips (default 6; see judgeShots). */
  softBelow?: number;
  /** Shots shorter than this are unusable (default: the shortest entry). */
  minShotSec?: number;
}

export interface EdlEntry {
  index: number;
  clip: number;
  shot: number;
  /** Source frames [sourceStart, sourceEnd) of the clip, at the clip's own rate. */
  sourceStart: number;
  sourceEnd: number;
  /** Output timeline frames [recordStart, recordEnd). */
  recordStart: number;
  recordEnd: number;
  /** The beat this entry starts on (-1: the first entry, when the music has no beat at its start). */
  beat: number;
  /** Music energy 0..1 over the entry. */
  energy: number;
  motion: number;
  colour: string;
}

export interface Edl {
  version: 1;
  fps: number;
  totalFrames: number;
  seed: number;
  entries: EdlEntry[];
  /** Why shots were left out, by reason: what a refusal or a report can name. */
  skipped: { black: number; blurry: number; short: number };
}

export type ShotVerdict = 'usable' | 'black' | 'blurry' | 'short';

/**
 * Which shots may be used: lit, not blurred, and long enough. Pure.
 *
 * The mean absolute Laplacian measures texture and grain as much as focus: clean synthetic or
 * smooth, noise-free footage scores 7-9 where grainy footage scores 80-250, so a median over every
 * clip calls sharp clean clips "blurry" next to noisy ones. Hence three rules, each over eligible
 * shots only (lit and long enough: a 1-frame flash or a black shot says nothing about focus):
 * - below `minSharpness` (2.5) a shot is blurry whatever else there is (a heavily blurred clip
 *   scores ~1.3, and a folder of only blurred clips must have no usable shot);
 * - a shot much softer than its own clip's other shots (same content, same grain) missed focus;
 * - against the other clips only while the shot is soft in absolute terms (below `softBelow`):
 *   there the footage's median tips it, above it the difference is content, not focus.
 */
export function judgeShots(shots: readonly ShotCandidate[], options: EdlOptions): ShotVerdict[] {
  const blackBelow = options.blackBelow ?? 24;
  const minShotSec = options.minShotSec ?? options.minEntrySec ?? MIN_ENTRY_SEC;
  const ratio = options.blurRatio ?? 0.35;
  const isShort = (s: ShotCandidate) => (s.endFrame - s.startFrame) / s.fps < minShotSec;
  const eligible = shots.filter((s) => s.brightness >= blackBelow && !isShort(s));
  const reference = median(eligible.map((s) => s.sharpness));
  return shots.map((s) => {
    if (s.brightness < blackBelow) return 'black';
    const own = eligible.filter((o) => o.clip === s.clip && o !== s).map((o) => o.sharpness);
    if (
      s.sharpness < (options.minSharpness ?? 2.5) ||
      (own.length > 0 && s.sharpness < ratio * median(own)) ||
      (s.sharpness < (options.softBelow ?? 6) && s.sharpness < ratio * reference)
    ) {
      return 'blurry';
    }
    if (isShort(s)) return 'short';
    return 'usable';
  });
}

/**
 * The edit: cuts on beats (see planCuts), then for each entry the shot that fits it best among
 * those long enough: unused shots first, another clip than the previous entry's where there is
 * one, then motion matched to the music's energy, a seeded jitter breaking near-ties. Pure and
 * deterministic for (shots, music, options).
 */
export function planEdl(shots: readonly ShotCandidate[], music: MusicAnalysis, options: EdlOptions): Edl {
  const verdicts = judgeShots(shots, options);
  const usable = shots.filter((_, i) => verdicts[i] === 'usable');
  const skipped = {
    black: verdicts.filter((v) => v === 'black').length,
    blurry: verdicts.filter((v) => v === 'blurry').length,
    short: verdicts.filter((v) => v === 'short').length,
  };
  if (usable.length === 0) return { version: 1, ...pick(options), entries: [], skipped };
  const longestSec = Math.max(...usable.map((s) => (s.endFrame - s.startFrame) / s.fps));
  const minEntrySec = Math.min(options.minEntrySec ?? MIN_ENTRY_SEC, longestSec);
  const cuts = planCuts(music, {
    fps: options.fps,
    totalFrames: options.totalFrames,
    minEntrySec,
    // No entry longer than the longest usable shot: one always fits.
    maxEntrySec: Math.max(minEntrySec, Math.min(options.maxEntrySec ?? 3, longestSec)),
  });
  const motionRank = ranks(usable.map((s) => s.motion));
  const random = mulberry32(options.seed);
  const uses = usable.map(() => 0);
  const entries: EdlEntry[] = [];
  let previousClip = -1;
  for (const cut of cuts) {
    const frames = cut.endFrame - cut.startFrame;
    const seconds = frames / options.fps;
    let pool = usable.map((_, i) => i).filter((i) => sourceFrames(usable[i]!, seconds) <= span(usable[i]!));
    // The planner capped entries at the longest shot, but rounding may leave none: use the longest.
    if (pool.length === 0) pool = [argMax(usable.map(span))];
    const fewestUses = Math.min(...pool.map((i) => uses[i]!));
    pool = pool.filter((i) => uses[i] === fewestUses);
    const otherClip = pool.filter((i) => usable[i]!.clip !== previousClip);
    if (otherClip.length > 0) pool = otherClip;
    let best = pool[0]!;
    let bestScore = -Infinity;
    for (const i of pool) {
      // Seeded jitter first, so the draw sequence is the same whatever the scores are.
      const jitter = random() * 0.35;
      const score = 1 - Math.abs(motionRank[i]! - cut.energy) + jitter;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    const shot = usable[best]!;
    const need = Math.min(span(shot), sourceFrames(shot, seconds));
    const sourceStart = shot.startFrame + placeInShot(span(shot) - need, uses[best]!);
    entries.push({
      index: entries.length,
      clip: shot.clip,
      shot: shot.shot,
      sourceStart,
      sourceEnd: sourceStart + need,
      recordStart: cut.startFrame,
      recordEnd: cut.endFrame,
      beat: cut.beat,
      energy: cut.energy,
      motion: shot.motion,
      colour: shot.colour,
    });
    uses[best]!++;
    previousClip = shot.clip;
  }
  return { version: 1, ...pick(options), entries, skipped };
}

/** Where in a shot its k-th use starts, as a fraction of the frames to spare: the middle first. */
const PLACES = [0.5, 0.15, 0.85, 0.33, 0.67];

/**
 * The first frame of an entry within its shot (relative to the shot's start), for the shot's
 * `use`-th entry when `slack` frames are to spare. The first use takes the middle, away from the
 * cut frames the detector may be a frame off on; a shot used again (fewer shots than entries)
 * shows another part of itself rather than the same frames, 2 frames clear of its ends.
 */
export function placeInShot(slack: number, use: number): number {
  const margin = Math.min(2, Math.floor(slack / 2));
  return margin + Math.floor((slack - 2 * margin) * PLACES[use % PLACES.length]!);
}

/** Source frames an entry of `seconds` needs from a shot at its own rate. */
export function sourceFrames(shot: ShotCandidate, seconds: number): number {
  return Math.ceil(seconds * shot.fps - 1e-6);
}

function span(shot: ShotCandidate): number {
  return shot.endFrame - shot.startFrame;
}

function pick(o: EdlOptions): { fps: number; totalFrames: number; seed: number } {
  return { fps: o.fps, totalFrames: o.totalFrames, seed: o.seed };
}

/** 0..1 rank of each value among all (ties share the lower rank). */
function ranks(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = Math.max(1, values.length - 1);
  return values.map((v) => sorted.indexOf(v) / n);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function argMax(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > values[best]!) best = i;
  });
  return best;
}
