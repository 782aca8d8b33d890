import { breakEven, type BreakEven } from '../cluster/cost-breakeven.js';
import type { CostFlags } from './cost.js';

const usd = (n: number) => `$${n.toFixed(2)}`;
const hours = (n: number) => `${n.toFixed(1)} h`;

/** `framefleet cost`: the table of mixes and the cheapest, at the rented (and spot) price. */
export function costCommand(flags: CostFlags): void {
  const base = {
    demandHours: flags.demandHours,
    baselineMonthly: flags.baselineMonthly,
    baselineGpus: flags.baselineGpus,
    utilization: flags.utilization,
    hoursPerMonth: flags.hoursPerMonth,
  };
  const onDemand = breakEven({ ...base, burstPerHour: flags.burstPrice });
  const spot =
    flags.spotPrice === undefined ? undefined : breakEven({ ...base, burstPerHour: flags.spotPrice });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ input: flags, onDemand, spot }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `demand ${hours(flags.demandHours)}/month; baseline server ${usd(flags.baselineMonthly)}/month (${flags.baselineGpus} GPU, ${Math.round(flags.utilization * 100)}% usable)\n`,
  );
  print('on demand', flags.burstPrice, onDemand);
  if (spot && flags.spotPrice !== undefined) print('spot', flags.spotPrice, spot);
}

function print(label: string, price: number, result: BreakEven): void {
  process.stdout.write(
    `\n${label} at ${usd(price)}/h: one server pays off above ${hours(result.breakEvenHours)} of rented GPU time a month (${hours(result.breakEvenHoursPerGpu)} per GPU)\n`,
  );
  process.stdout.write(
    `${'SERVERS'.padEnd(8)} ${'BASELINE'.padStart(10)} ${'BURST'.padStart(10)} ${'MONTHLY'.padStart(11)}\n`,
  );
  for (const mix of result.mixes) {
    process.stdout.write(
      `${String(mix.servers).padEnd(8)} ${hours(mix.baselineHours).padStart(10)} ${hours(mix.burstHours).padStart(10)} ${usd(mix.monthly).padStart(11)}${mix === result.best ? '  <- cheapest' : ''}\n`,
    );
  }
  const burstOnly = result.mixes[0]!;
  const saving = burstOnly.monthly - result.best.monthly;
  process.stdout.write(
    result.best.servers === 0
      ? `burst only is cheapest (${usd(burstOnly.monthly)}/month)\n`
      : `${result.best.servers} baseline server(s) + burst: ${usd(result.best.monthly)}/month, ${usd(saving)} less than burst only\n`,
  );
}
