/**
 * Baseline versus burst for a month of GPU demand: k owned (always-on) servers at a monthly price
 * plus rented hours for what they cannot hold, for every k that can matter. Pure.
 */
export interface BreakEvenInput {
  /** GPU-hours of work a month. */
  demandHours: number;
  /** Rented price of one GPU per hour. */
  burstPerHour: number;
  /** All-in monthly price of one baseline server (amortised purchase, power, space). */
  baselineMonthly: number;
  /** GPUs in one baseline server. */
  baselineGpus: number;
  /** Share of a baseline GPU's hours the demand can use (bursty demand leaves it idle at night). */
  utilization: number;
  hoursPerMonth: number;
}

export interface Mix {
  servers: number;
  /** GPU-hours the servers absorb and the hours left to rent. */
  baselineHours: number;
  burstHours: number;
  monthly: number;
}

export interface BreakEven {
  /** Rented GPU-hours a month that cost as much as one server. */
  breakEvenHours: number;
  /** The same per GPU of the server. */
  breakEvenHoursPerGpu: number;
  mixes: Mix[];
  best: Mix;
}

export function breakEven(input: BreakEvenInput): BreakEven {
  const { demandHours, burstPerHour, baselineMonthly, baselineGpus, utilization, hoursPerMonth } = input;
  const perServer = baselineGpus * hoursPerMonth * utilization;
  const most = perServer > 0 ? Math.ceil(demandHours / perServer) : 0;
  const mixes: Mix[] = [];
  for (let servers = 0; servers <= most; servers++) {
    const baselineHours = Math.min(demandHours, servers * perServer);
    const burstHours = demandHours - baselineHours;
    mixes.push({
      servers,
      baselineHours,
      burstHours,
      monthly: servers * baselineMonthly + burstHours * burstPerHour,
    });
  }
  const best = mixes.reduce((a, b) => (b.monthly < a.monthly - 1e-9 ? b : a));
  const breakEvenHours = burstPerHour > 0 ? baselineMonthly / burstPerHour : Infinity;
  return { breakEvenHours, breakEvenHoursPerGpu: breakEvenHours / baselineGpus, mixes, best };
}
