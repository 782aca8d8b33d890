import { describe, expect, it } from 'vitest';
import { compareAutoscaling } from '../../bench/lib/autoscale-compare.js';
import { fixedFleet } from '../../bench/lib/autoscale-policies.js';
import { arrivals, burstyDay, percentile, simulate } from '../../bench/lib/autoscale-sim.js';

describe('autoscaling on a simulated bursty day', () => {
  it('the simulator serves every task, bills a fixed fleet for the whole day, and queues when short', () => {
    const day = burstyDay();
    const tasks = arrivals(day, 5);
    const busiest = Math.max(...Array.from({ length: 24 }, (_, h) => day.rate(h * 3600 + 2400)));
    expect(busiest).toBeCloseTo(0.1, 10);
    expect(day.rate(10.5 * 3600 + 60)).toBeCloseTo(1, 10); // a 10x spike
    const big = simulate(tasks, fixedFleet(40).pools, fixedFleet(40).policy, {
      sloSec: 30,
      daySeconds: day.seconds,
    });
    expect(big.tasks).toBe(tasks.length);
    expect(big.workerHours).toBeCloseTo(40 * 24, 0);
    expect(big.p95WaitSec).toBeLessThan(2);
    const small = simulate(tasks, fixedFleet(4).pools, fixedFleet(4).policy, {
      sloSec: 30,
      daySeconds: day.seconds,
    });
    expect(small.tasks).toBe(tasks.length);
    expect(small.p95WaitSec).toBeGreaterThan(30);
    expect(percentile([5, 1, 4, 2, 3], 0.95)).toBe(5);
  });

  it('framefleet meets the SLO with >= 25% fewer worker-hours than the smallest fixed fleet, and beats the peers on breaches at no more cost', () => {
    const { framefleet, fixed, matched, sloSec, rows } = compareAutoscaling(17);
    expect(framefleet.p95WaitSec).toBeLessThanOrEqual(sloSec);
    expect(fixed.p95WaitSec).toBeLessThanOrEqual(sloSec);
    expect(framefleet.workerHours).toBeLessThanOrEqual(0.75 * fixed.workerHours);
    // As written, the two rules are cheaper and breach on most tasks.
    for (const row of rows.slice(1, 3)) expect(row.breaches).toBeGreaterThan(framefleet.breaches);
    for (const row of [matched.seed002, matched.keda]) {
      if (!row) continue; // no setting of that rule is as cheap
      expect(row.cost).toBeLessThanOrEqual(framefleet.cost);
      expect(row.breaches).toBeGreaterThan(framefleet.breaches);
    }
  }, 60_000);
});
