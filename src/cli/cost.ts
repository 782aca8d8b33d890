import type { Command } from 'commander';
import { action, numberOption } from './common.js';

export interface CostFlags {
  demandHours: number;
  burstPrice: number;
  spotPrice?: number;
  baselineMonthly: number;
  baselineGpus: number;
  utilization: number;
  hoursPerMonth: number;
  json?: boolean;
}

export function registerCost(program: Command): void {
  program
    .command('cost')
    .description(
      'baseline (owned, always on) versus burst (rented) GPUs for a monthly demand: break-even and the cheapest mix',
    )
    .requiredOption(
      '--demand-hours <h>',
      'GPU-hours of work a month',
      numberOption('--demand-hours', 0, 10_000_000),
    )
    .requiredOption(
      '--burst-price <usd>',
      'rented price of one GPU per hour',
      numberOption('--burst-price', 0, 10_000),
    )
    .option(
      '--spot-price <usd>',
      'spot price of the same GPU per hour (shown beside)',
      numberOption('--spot-price', 0, 10_000),
    )
    .requiredOption(
      '--baseline-monthly <usd>',
      'all-in monthly price of one baseline server',
      numberOption('--baseline-monthly', 0, 10_000_000),
    )
    .option('--baseline-gpus <n>', 'GPUs per baseline server', numberOption('--baseline-gpus', 1, 64), 1)
    .option(
      '--utilization <u>',
      "share of a baseline GPU's hours the demand can use (0-1]",
      numberOption('--utilization', 0.01, 1),
      1,
    )
    .option('--hours-per-month <h>', 'hours in a month', numberOption('--hours-per-month', 1, 744), 730)
    .option('--json', 'machine-readable output')
    .action(
      action(async (flags: CostFlags) => {
        const { costCommand } = await import('./cost-run.js');
        costCommand(flags);
      }),
    );
}
