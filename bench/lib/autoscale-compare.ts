/**
 * One simulated day through every policy: framefleet's, seed 002's formula and KEDA's queue-length
 * rule as written, the same two rules re-tuned (a sweep of their one knob) at the best setting that
 * costs no more than framefleet's day, and the smallest fixed fleet whose p95 wait meets the SLO.
 */
import {
  arrivals,
  burstyDay,
  simulate,
  type SimPolicy,
  type SimPool,
  type SimResult,
} from './autoscale-sim.js';
import { fixedFleet, framefleetFleet, kedaQueueLengthFleet, seed002Fleet } from './autoscale-policies.js';

export interface Row extends SimResult {
  policy: string;
}

export interface Comparison {
  sloSec: number;
  rows: Row[];
  framefleet: Row;
  fixed: Row;
  /** Best re-tuned variants of the two rules at a cost <= framefleet's (undefined: none is that cheap). */
  matched: { seed002: Row | undefined; keda: Row | undefined };
}

export function compareAutoscaling(seed = 17, sloSec = 30): Comparison {
  const day = burstyDay();
  const tasks = arrivals(day, seed);
  const run = (policy: string, fleet: { pools: SimPool[]; policy: SimPolicy }): Row => ({
    policy,
    ...simulate(tasks, fleet.pools, fleet.policy, { sloSec, daySeconds: day.seconds }),
  });
  const framefleet = run('framefleet (baseline 2-4 + burst 0-40)', framefleetFleet(sloSec));
  const rows = [
    framefleet,
    run('seed 002: ceil(pending / 100), 1-20', seed002Fleet()),
    run('KEDA list length, target 5, 1-20', kedaQueueLengthFleet()),
  ];
  const cheapest = (variants: Row[]) =>
    variants
      .filter((r) => r.cost <= framefleet.cost)
      .sort((a, b) => a.breaches - b.breaches || a.cost - b.cost)[0];
  const seed002 = cheapest(
    [20, 10, 5, 2, 1.5, 1, 0.75, 0.5].map((d) =>
      run(`seed 002 re-tuned: ceil(pending / ${d}), 1-44`, seed002Fleet(d, 44)),
    ),
  );
  const keda = cheapest(
    [3, 2, 1.5, 1, 0.75, 0.5, 0.25].map((t) =>
      run(`KEDA list length re-tuned: target ${t}, 1-44`, kedaQueueLengthFleet(t, 44)),
    ),
  );
  rows.push(...[seed002, keda].filter((r): r is Row => r !== undefined));
  // The smallest fixed fleet meeting the SLO: p95 falls as the fleet grows, so bisect.
  let low = 1;
  let high = 128;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (run('fixed', fixedFleet(mid)).p95WaitSec <= sloSec) high = mid;
    else low = mid + 1;
  }
  const fixed = run(`smallest fixed fleet meeting the SLO: ${low}`, fixedFleet(low));
  rows.push(fixed);
  return { sloSec, rows, framefleet, fixed, matched: { seed002, keda } };
}
