/**
 * Where a montage cuts: on beats of the music, further apart in calm passages and closer on peaks.
 * Pure: beat times, an energy curve and a frame rate in; cut frames out.
 */

export interface MusicAnalysis {
  durationSec: number;
  tempo: number | null;
  /** Beat times, seconds, ascending. */
  beats: number[];
  /** Beats that start a bar, where the analysis could tell (a subset of `beats`). */
  downbeats: number[];
  /** Loudness curve (dBFS) at `curveRate` points per second. */
  energy: number[];
  curveRate: number;
  /** Without beats: why, as the beat analysis says it (absent in analyses kept from before). */
  noBeats?: string;
}

export interface CutPlanOptions {
  /** Output frames per second (the timeline rate). */
  fps: number;
  /** Timeline length in frames. */
  totalFrames: number;
  /** Shortest and longest entry, seconds (the energy picks between them). */
  minEntrySec: number;
  maxEntrySec: number;
}

export interface PlannedCut {
  /** First frame of the entry on the output timeline. */
  startFrame: number;
  /** Exclusive. */
  endFrame: number;
  /** The beat the entry starts on (index into `beats`); -1 for the first entry at 0 and a cut on the grid through a gap. */
  beat: number;
  /** Music energy over the entry, 0 (calmest) to 1 (loudest). */
  energy: number;
}

/**
 * Energy at each time as a 0..1 rank of the loudness curve between its 10th and 90th percentiles,
 * so one loud hit or a silent intro does not squash everything else.
 */
export function energyScale(curve: readonly number[]): (from: number, to: number, rate: number) => number {
  const sorted = [...curve].sort((a, b) => a - b);
  const lo = sorted[Math.floor(0.1 * (sorted.length - 1))] ?? 0;
  const hi = sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
  return (from, to, rate) => {
    const a = Math.max(0, Math.floor(from * rate));
    const b = Math.min(curve.length, Math.max(a + 1, Math.ceil(to * rate)));
    let sum = 0;
    for (let i = a; i < b; i++) sum += curve[i]!;
    const mean = b > a ? sum / (b - a) : lo;
    if (hi - lo < 1e-6) return 0.5;
    return Math.min(1, Math.max(0, (mean - lo) / (hi - lo)));
  };
}

/**
 * Cuts on beat frames: from each cut, the next one is the beat nearest to a length that shrinks
 * with the energy there (the longest entry at 0, the shortest at 1), never shorter than the
 * shortest entry; downbeats win ties within a quarter beat. The last entry ends at `totalFrames`.
 */
export function planCuts(music: MusicAnalysis, options: CutPlanOptions): PlannedCut[] {
  const { fps, totalFrames } = options;
  const energyAt = energyScale(music.energy);
  const downbeats = new Set(music.downbeats.map((t) => Math.round(t * fps)));
  const minFrames = Math.max(1, Math.round(options.minEntrySec * fps));
  const beatPeriod = music.tempo ? (60 / music.tempo) * fps : minFrames;
  const grid = onGrid(
    uniqueFrames(music.beats, fps),
    music.tempo ? beatPeriod : options.maxEntrySec * fps,
    options.maxEntrySec * fps,
    totalFrames,
  );
  const beatFrames = grid.filter((b) => b.frame > 0 && b.frame < totalFrames);
  const cuts: PlannedCut[] = [];
  let start = 0;
  // The first entry starts on a beat when the music has one at its first frame.
  let startBeat = grid.find((b) => b.frame === 0)?.beat ?? -1;
  while (start < totalFrames) {
    const localEnergy = energyAt(start / fps, (start + minFrames) / fps, music.curveRate);
    const wanted =
      options.maxEntrySec * fps - localEnergy * (options.maxEntrySec - options.minEntrySec) * fps;
    let best: { frame: number; beat: number } | undefined;
    let bestCost = Infinity;
    for (const b of beatFrames) {
      if (b.frame - start < minFrames) continue;
      if (b.frame - start > options.maxEntrySec * fps + beatPeriod) break;
      // A downbeat is worth a quarter beat of distance from the wanted length.
      const cost = Math.abs(b.frame - start - wanted) - (downbeats.has(b.frame) ? beatPeriod / 4 : 0);
      if (cost < bestCost) {
        bestCost = cost;
        best = b;
      }
    }
    // Beyond the grid's reach (a longest entry shorter than a beat): the next beat, however far.
    best ??= beatFrames.find((b) => b.frame - start >= minFrames);
    // No beat left that leaves room for one more entry: this one runs to the end.
    const end = best && totalFrames - best.frame >= minFrames ? best.frame : totalFrames;
    cuts.push({
      startFrame: start,
      endFrame: end,
      beat: startBeat,
      energy: round(energyAt(start / fps, end / fps, music.curveRate)),
    });
    startBeat = end === totalFrames ? -1 : best!.beat;
    start = end;
  }
  return cuts;
}

/**
 * Beats with the gaps longer than the longest entry filled on the beat grid (beat index -1): a
 * silent intro and a break counted back from the beat where the music comes in, a fade-out tail
 * counted on from the last beat; music without beats in steps of `period`. Without them an entry
 * ran through the whole gap, longer than any shot, and froze on its last frame for the rest.
 */
function onGrid(
  beats: { frame: number; beat: number }[],
  period: number,
  longest: number,
  totalFrames: number,
): { frame: number; beat: number }[] {
  const step = Math.max(1, period);
  const out: { frame: number; beat: number }[] = [];
  let previous = 0;
  for (const b of beats) {
    const filled: number[] = [];
    if (b.frame - previous > longest)
      for (let f = b.frame - step; f > previous + step / 2; f -= step) filled.push(Math.round(f));
    out.push(...filled.reverse().map((frame) => ({ frame, beat: -1 })), b);
    previous = b.frame;
  }
  if (totalFrames - previous > longest)
    for (let f = previous + step; f < totalFrames - step / 2; f += step)
      out.push({ frame: Math.round(f), beat: -1 });
  return out;
}

/** Beat times as timeline frames, one beat per frame (the earlier wins), with their beat index. */
function uniqueFrames(beats: readonly number[], fps: number): { frame: number; beat: number }[] {
  const out: { frame: number; beat: number }[] = [];
  beats.forEach((t, beat) => {
    const frame = Math.round(t * fps);
    if (out.length === 0 || out[out.length - 1]!.frame < frame) out.push({ frame, beat });
  });
  return out;
}

/**
 * Downbeats from accents: of the four phases of a 4/4 bar, the one whose beats carry the most onset
 * strength starts bars. Empty when there are too few beats to tell (fewer than two bars).
 */
export function estimateDownbeats(
  beats: readonly number[],
  onset: readonly number[],
  curveRate: number,
  beatsPerBar = 4,
): number[] {
  if (beats.length < 2 * beatsPerBar) return [];
  const strength = new Array<number>(beatsPerBar).fill(0);
  beats.forEach((t, i) => {
    const at = Math.round(t * curveRate);
    strength[i % beatsPerBar]! += onset[at] ?? 0;
  });
  let phase = 0;
  for (let p = 1; p < beatsPerBar; p++) if (strength[p]! > strength[phase]!) phase = p;
  const sorted = [...strength].sort((a, b) => b - a);
  // No phase stands out: no bar structure to report.
  if (sorted[0]! <= sorted[1]! * 1.05) return [];
  return beats.filter((_, i) => i % beatsPerBar === phase);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
