import { describe, expect, it } from 'vitest';
import { breakEven } from '../../src/cluster/cost-breakeven.js';

// Seed 004's figures: RTX 6000 Ada ~$0.69/h (spot ~$0.35), A100 ~$1.89/h, a 2x A100 baseline
// server ~$716/month, 730 h a month.
const seed004 = { baselineMonthly: 716, baselineGpus: 2, utilization: 1, hoursPerMonth: 730 };

describe('baseline versus burst break-even', () => {
  it.each<[string, number, number, number, number, number]>([
    // name, demand h, price/h, break-even h, cheapest servers, cheapest monthly
    [
      '100 h on demand: rent (seed 004 says save ~$140; the arithmetic says $647)',
      100,
      0.69,
      716 / 0.69,
      0,
      69,
    ],
    ['500 h on demand: rent, $371 under one server', 500, 0.69, 716 / 0.69, 0, 345],
    ['1,200 h on demand: one server beats renting', 1200, 0.69, 716 / 0.69, 1, 716],
    ['2,000 h on demand: one server (1,460 h) + 540 h rented', 2000, 0.69, 716 / 0.69, 1, 716 + 540 * 0.69],
    ['2,000 h at spot: still rent', 2000, 0.35, 716 / 0.35, 0, 700],
    ['500 h of A100 on demand: one server', 500, 1.89, 716 / 1.89, 1, 716],
  ])('%s', (_name, demandHours, burstPerHour, hours, servers, monthly) => {
    const result = breakEven({ ...seed004, demandHours, burstPerHour });
    expect(result.breakEvenHours).toBeCloseTo(hours, 9);
    expect(result.best.servers).toBe(servers);
    expect(result.best.monthly).toBeCloseTo(monthly, 9);
    expect(result.mixes[0]!.monthly).toBeCloseTo(demandHours * burstPerHour, 9);
  });

  it('a baseline the demand can only half use holds half the hours', () => {
    const result = breakEven({ ...seed004, utilization: 0.5, demandHours: 1000, burstPerHour: 0.69 });
    expect(result.mixes.map((m) => m.servers)).toEqual([0, 1, 2]);
    expect(result.mixes[1]).toMatchObject({ baselineHours: 730, burstHours: 270 });
    expect(result.breakEvenHoursPerGpu).toBeCloseTo(716 / 0.69 / 2, 9);
  });
});
