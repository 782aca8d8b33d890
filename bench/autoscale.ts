/**
 * Autoscaling benchmark: a simulated bursty day (quiet night, morning ramp, three 4-minute spikes
 * at 10x the day rate; 30 s tasks on average; replicas take 45 s to start and cost $0.69/h) through
 * the real policy (src/cluster/scaling-policy.ts) and its peers. Prints p95 queue wait, SLO
 * breaches, worker-hours and cost per policy, and framefleet's ratios against the peers.
 */
import { compareAutoscaling } from './lib/autoscale-compare.js';

export async function run(): Promise<void> {
  const seeds = (process.env.AUTOSCALE_SEEDS ?? '17').split(',').map(Number);
  for (const seed of seeds) {
    const started = performance.now();
    const { sloSec, rows, framefleet, fixed, matched } = compareAutoscaling(seed);
    process.stdout.write(`\nseed ${seed}: ${framefleet.tasks} tasks, SLO p95 wait <= ${sloSec} s\n`);
    process.stdout.write(
      `${'policy'.padEnd(52)} ${'p95 wait'.padStart(9)} ${'breaches'.padStart(9)} ${'worker-h'.padStart(9)} ${'cost'.padStart(8)} ${'peak'.padStart(5)}\n`,
    );
    for (const r of rows) {
      process.stdout.write(
        `${r.policy.padEnd(52)} ${`${r.p95WaitSec.toFixed(1)} s`.padStart(9)} ${String(r.breaches).padStart(9)} ${r.workerHours.toFixed(1).padStart(9)} ${`$${r.cost.toFixed(2)}`.padStart(8)} ${String(r.peakReplicas).padStart(5)}\n`,
      );
    }
    const saved = 1 - framefleet.workerHours / fixed.workerHours;
    process.stdout.write(
      `framefleet: SLO ${framefleet.p95WaitSec <= sloSec ? 'met' : 'MISSED'}, ${(100 * saved).toFixed(0)}% fewer worker-hours than the smallest fixed fleet meeting it\n`,
    );
    for (const [name, row] of Object.entries(matched)) {
      process.stdout.write(
        row
          ? `${name} at <= framefleet's cost: ${row.breaches} breaches vs framefleet's ${framefleet.breaches} (${(row.breaches / Math.max(1, framefleet.breaches)).toFixed(1)}x)\n`
          : `${name}: no setting as cheap as framefleet's day\n`,
      );
    }
    process.stdout.write(`(simulated in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}
