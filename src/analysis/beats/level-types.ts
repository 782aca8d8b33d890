/** What the metrical level choice (metrical-level.ts, compound-meter.ts) takes and gives. */
export interface LevelOptions {
  /** Slowest and fastest beat level a correction may move to (default 50-210 BPM). */
  minBpm?: number;
  maxBpm?: number;
  tightness?: number;
}

/** The curves the level choice weighs, all at `frameRate` (see OnsetEnvelope). */
export interface LevelEnvelope {
  frameRate: number;
  onset: Float64Array;
  rms: Float64Array;
  low: Float64Array;
  high: Float64Array;
  harmonic: Float64Array;
  chords: Float64Array;
}

export interface LevelChoice {
  /** Tempo ratio to the estimate: 1, 2, 0.5, 1.5, 2/3 or 3 (a bar of three), 1/3 onto a compound beat. */
  factor: number;
  /** Beat period in envelope frames at the chosen level. */
  period: number;
  /** Beat frames tracked at the chosen level. */
  beats: number[];
  /** Which evidence moved the level (or "tempo prior" when none did). */
  reason: string;
  /** The beat splits into three (6/8, 12/8, a shuffle, a swung waltz): bars of 2 or 4, or 3 (findBars). */
  compound?: boolean;
  /** Beats between the harmony's changes where that is a rare bar (5 or 7): the bars weigh it. */
  oddBar?: number;
}

/**
 * Whether `factor` times `bpm` is a level the options allow (minBpm..maxBpm, 50-210 by default).
 * The slowest bound gives 1%: a 6/8 at 50, its eighths measured a hair under 150, had a third of
 * them fall under 50 and was read at 75 or 150.
 */
export function levelAllowed(bpm: number, factor: number, options: LevelOptions): boolean {
  const level = bpm * factor;
  return level >= SLOWEST_SLACK * (options.minBpm ?? 50) && level <= (options.maxBpm ?? 210);
}

const SLOWEST_SLACK = 0.99;

/**
 * How loud (against the beats' median accent) the accents halfway between the beats must be for
 * the beat to be twice as fast, at `doubled` BPM: half up to FAST_DOUBLE, then twice that for each
 * FAST_STEP faster. Syncopated grooves at 92-102 (a cumbia's guitar, a funk's kick on the "and",
 * afrobeats) strike their "and"s at 0.6-1.1 of the beats and read at 184-204; the doublings that
 * are right reach 1.1 at 174 (a Viennese waltz's bar) and 4.3 at 180 (a drum crescendo).
 */
export function backbeatNeeded(doubled: number): number {
  return 0.5 * 2 ** (Math.max(0, doubled - FAST_DOUBLE) / FAST_STEP);
}

const FAST_DOUBLE = 160;
const FAST_STEP = 20;

/**
 * How much an accent between beats (halfway, at a third) must stand out from the rest of the gap
 * (the quarters) to say anything: under running sixteenths every point between beats is struck
 * alike. Used by levelOf's backbeat and thirds rules and by backbeatBetween.
 */
export const GAP_STANDS_OUT = 1.5;
