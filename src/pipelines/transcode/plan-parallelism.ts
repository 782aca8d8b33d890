import type { DeviceClass } from '../../engine/capabilities.js';
import type { Family } from '../../media/encoders/catalogue.js';

export interface ParallelismInput {
  /** Seconds of video on the output timeline. */
  durationSec: number;
  height: number;
  family: Family;
  device: DeviceClass;
  /**
   * CPU cores of the one machine that runs every segment (the embedded engine); undefined when the
   * segments spread over a fleet of workers.
   */
  machineCores: number | undefined;
  /** Encode slots that can run at once, fleet-wide (the machine's slots on the embedded engine). */
  slots: number;
  /** The user fixed `slots` as the encodes at once on the machine (`--workers`): only threads are chosen. */
  fixedSlots?: boolean | undefined;
  /**
   * Each segment runs through processors (`--process`) before its encode: the processor, not the
   * encoder, is the work, and it is one slot's (one thread's, one GPU's) worth, so the segments are
   * the parallelism, as on a fleet.
   */
  processed?: boolean | undefined;
  /** Segments the user asked for (`--segments`, or what `--segment-seconds` makes); undefined: the planner's. */
  askedSegments?: number | undefined;
  /**
   * This machine measured two x264 encodes at once finishing 1080p sooner than one
   * (`framefleet calibrate`): the planner's own choice, when no segments were asked, is then halves.
   */
  measuredPairs?: boolean | undefined;
}

export interface Parallelism {
  /** Default segment length (an explicit --segments or --segment-seconds wins). */
  segmentSeconds: number;
  /** Segments that encode at once. */
  concurrency: number;
  /** The encoder's `-threads`; undefined leaves it to the encoder (x264/x265: 1.5 per core it sees). */
  threads: number | undefined;
  /** CPU slots one segment encode holds while it runs: the cores its threads are meant to use. */
  slotsPerSegment: number;
  /**
   * Why, in one line (logged with the plan), for a job of `segments` segments: it counts no more
   * encodes at once than there are segments (a short clip is one segment whatever the slots).
   */
  reason: (segments: number) => string;
}

/** The longest segment worth cutting: a resume redoes at most this much. */
export const MAX_SEGMENT_SECONDS = 120;

/**
 * Cores one frame-threaded x264/x265 encode keeps busy at this height: its frame threads wait on
 * rows of the frame before, so a short frame gives few threads work (about one per 64 rows).
 */
export function usefulThreads(family: Family, height: number): number {
  return family === 'x264' || family === 'x265' ? Math.max(1, Math.floor(height / 64)) : 1;
}

/** Shortest clip worth splitting in two for {@link pairs}: each half at least 4 s. */
export const PAIR_MIN_SECONDS = 8;

/**
 * Whether segments asked for at 1080 rows and more on a small machine run two x264 encodes at once
 * with half the cores each, rather than one after another with all of them. Which is faster
 * depends on the machine, so it is the default only where `framefleet calibrate` measured it faster
 * (see machine-profile.ts): on one 2-core VM one encode left part of the
 * cores idle (its frame threads wait on rows of the frame before and on its one lookahead
 * thread), and 24 s 1080p halves at once took 19.8-23.2 s and 39-46 CPU-s against 22.8-26.5 s and
 * 42-49 CPU-s for one encode; on another, one encode kept both cores busy and halves at once took
 * 19.7 and 22.2 s and 36.9 and 40.8 CPU-s against 18.2-18.7 and 21.4-21.9 s and 32-39 CPU-s (x264
 * medium crf 23, alternating). Asking for segments (`--segments 2`) is asking for that. Pure.
 */
function pairs(family: Family, cores: number, height: number, duration: number): boolean {
  return family === 'x264' && pairCores(cores) && height >= 1080 && duration >= PAIR_MIN_SECONDS;
}

/** Machines small enough for the choice between one encode and two at once (2-4 cores). Pure. */
export function pairCores(cores: number): boolean {
  return cores >= 2 && cores <= 4;
}

/**
 * How a job's segments share the CPU. Pure. On one machine the cores are split between concurrent
 * segments and encoder threads so that splitting never costs more than it buys: while one
 * frame-threaded encode can keep every core busy, segments run one after another with all of
 * them (a split then only adds seams, pre-roll decodes and process start-ups, so a short clip is
 * one segment); on a machine with more cores than that, as many encodes run as the cores need. On
 * a fleet each slot runs one single-threaded encode and the segments are the parallelism. A
 * hardware encoder is left alone: its sessions are the slots.
 */
export function planParallelism(input: ParallelismInput): Parallelism {
  const duration = Math.max(0, input.durationSec);
  const spread = (slots: number) =>
    Math.min(MAX_SEGMENT_SECONDS, Math.max(2, duration / Math.max(1, 2 * slots)));
  if (input.device !== 'cpu') {
    return {
      segmentSeconds: spread(input.slots),
      concurrency: Math.max(1, input.slots),
      threads: undefined,
      slotsPerSegment: 1,
      reason: (n) =>
        `hardware encoder: segments encode in ${plural(upTo(n, input.slots), 'session')} at once`,
    };
  }
  if (input.family !== 'x264' && input.family !== 'x265') {
    return {
      segmentSeconds: spread(input.slots),
      concurrency: Math.max(1, input.slots),
      threads: undefined,
      slotsPerSegment: 1,
      reason: (n) =>
        `${input.family} sizes its own threads: ${plural(upTo(n, input.slots), 'encode')} at once`,
    };
  }
  if (input.processed && !input.fixedSlots) {
    return {
      segmentSeconds: spread(input.slots),
      concurrency: Math.max(1, input.slots),
      threads: 1,
      slotsPerSegment: 1,
      reason: (n) =>
        `processors: ${plural(upTo(n, input.slots), 'segment')} at once, each through its processors and a single-threaded encode`,
    };
  }
  if (input.machineCores === undefined) {
    return {
      segmentSeconds: spread(input.slots),
      concurrency: Math.max(1, input.slots),
      threads: 1,
      slotsPerSegment: 1,
      reason: (n) =>
        `fleet: ${plural(upTo(n, input.slots), 'single-threaded encode')} at once, the segments are the parallelism`,
    };
  }
  const cores = Math.max(1, Math.floor(input.machineCores));
  if (input.fixedSlots) {
    const at = Math.max(1, input.slots);
    const each = Math.max(1, Math.floor(cores / at));
    return {
      segmentSeconds: spread(at),
      concurrency: at,
      threads: at === 1 ? undefined : each === 1 ? 1 : Math.ceil(each * 1.5),
      slotsPerSegment: 1,
      reason: (n) =>
        `--workers ${at}: ${plural(upTo(n, at), 'encode')} at once with ${each} of ${cores} cores each`,
    };
  }
  const useful = usefulThreads(input.family, input.height);
  const concurrency = Math.max(1, Math.min(cores, Math.ceil(cores / useful)));
  const share = Math.floor(cores / concurrency);
  const halves = input.askedSegments !== undefined ? input.askedSegments >= 2 : input.measuredPairs === true;
  if (concurrency === 1 && halves && pairs(input.family, cores, input.height, duration)) {
    return {
      // An even count of segments, none over the cap: the last pair finishes together.
      segmentSeconds: duration / (2 * Math.ceil(duration / (2 * MAX_SEGMENT_SECONDS))),
      concurrency: 2,
      threads: Math.ceil((3 * cores) / 2),
      slotsPerSegment: Math.floor(cores / 2),
      reason: (n) =>
        `${cores} cores at ${input.height} rows, ${input.askedSegments === undefined ? 'two at once measured faster here (framefleet calibrate)' : 'segments asked for'}: ${plural(upTo(n, 2), `${input.family} encode`)} at once with ${Math.ceil((3 * cores) / 2)} threads each`,
    };
  }
  if (concurrency === 1) {
    return {
      segmentSeconds: Math.max(2, Math.min(MAX_SEGMENT_SECONDS, duration)),
      concurrency,
      // x264's own default, 1.5 threads a core, leaves about 7 % of two cores idle at 1080p (its
      // frame threads wait on each other); 3 a core keeps them busy for the same CPU seconds
      // (measured on 2 cores, x264 medium: 24 s 1080p 16.0 s against 16.5 s, 10 s 540p with grain
      // 5.75 s against 5.9 s). Left to the encoder on bigger machines, where nothing was measured.
      threads: cores === 1 ? 1 : cores <= 4 ? 3 * cores : undefined,
      slotsPerSegment: cores,
      reason: () =>
        cores === 1
          ? 'one core: one single-threaded encode at a time'
          : `one ${input.family} encode keeps ${cores} cores busy at ${input.height} rows: segments run one after another with all of them, none shorter than the clip or ${MAX_SEGMENT_SECONDS} s`,
    };
  }
  return {
    segmentSeconds: spread(concurrency),
    concurrency,
    // x264 and x265 run 1.5 threads per core they are given, to fill the waits between frames.
    threads: share === 1 ? 1 : Math.ceil(share * 1.5),
    slotsPerSegment: share,
    reason: (n) =>
      `${cores} cores, one ${input.family} encode keeps ${useful} busy at ${input.height} rows: ${plural(upTo(n, concurrency), 'encode')} at once with ${share} cores each`,
  };
}

/**
 * The plan line when the user fixed the segments (`--segments 4`): what was asked, then only what
 * the planner still chose (its own reason talks about segment lengths it did not pick). Pure.
 */
export function askedReason(
  asked: string,
  p: Pick<Parallelism, 'concurrency' | 'threads'>,
  segments: number,
): string {
  const threads =
    p.threads === undefined
      ? "the encoder's own threads"
      : `${p.threads} encoder thread${p.threads === 1 ? '' : 's'}`;
  return `${asked} as asked: ${upTo(segments, p.concurrency)} at once, ${threads} each`;
}

/** Encodes at once as a job of `segments` segments runs them: never more than it has. Pure. */
function upTo(segments: number, concurrency: number): number {
  return Math.max(1, Math.min(segments, concurrency));
}

/** `1 encode`, `3 encodes`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
