import * as z from 'zod';
import { FramefleetError, show } from '../errors.js';
import type { Capabilities } from './capabilities.js';

/** Price per hour of one worker slot, by device class: { cpu: 0.05, nvidia: 0.9, 'nvidia-a100': 3.2 }. */
export type PriceTable = Record<string, number>;

/** One attempt of one task: how long it held a worker of which class. Retries count too. */
export interface TaskRun {
  taskId: string;
  wallSec: number;
  deviceClass: string;
}

export interface JobCost {
  total: number;
  byClass: Record<string, { seconds: number; cost: number }>;
  /** Classes with no price (and no 'default'); their seconds are counted but cost 0. */
  unpriced: string[];
}

/** A label that names a worker's price class outright, e.g. 'spot-nvidia-t4'. */
export const PRICE_CLASS_LABEL = 'price-class';

const priceTableSchema = z.record(z.string().min(1), z.number().min(0).finite());

/** Validates a price table from config. */
export function parsePriceTable(input: unknown): PriceTable {
  const result = priceTableSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue?.path.join('.') ?? '';
  const value =
    at !== '' && typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[at] : input;
  throw new FramefleetError(
    'INVALID_ARGUMENT',
    `expected prices to map device classes to numbers >= 0 per hour${at ? ` (at \`${at}\`)` : ''}, got ${show(value)}`,
  );
}

/** The class a worker is billed as: its price-class label, else its first GPU's vendor, else 'cpu'. */
export function deviceClassOf(capabilities: Pick<Capabilities, 'gpus' | 'labels'>): string {
  const label = capabilities.labels[PRICE_CLASS_LABEL];
  if (label) return label;
  const first = [...capabilities.gpus].sort((a, b) => a.index - b.index)[0];
  return first ? first.vendor : 'cpu';
}

/** The hourly price of a class: exact match, else 'default', else undefined. */
export function priceOf(prices: PriceTable, deviceClass: string): number | undefined {
  return prices[deviceClass] ?? prices['default'];
}

/** Cost of a job: the sum over task runs of wall seconds x the hourly price of the class that ran it. */
export function jobCost(runs: readonly TaskRun[], prices: PriceTable): JobCost {
  const byClass: JobCost['byClass'] = {};
  const unpriced = new Set<string>();
  let total = 0;
  for (const run of runs) {
    if (!Number.isFinite(run.wallSec) || run.wallSec < 0) {
      throw new FramefleetError(
        'INVALID_ARGUMENT',
        `expected wallSec >= 0 for task ${show(run.taskId)}, got ${show(run.wallSec)}`,
      );
    }
    const price = priceOf(prices, run.deviceClass);
    if (price === undefined) unpriced.add(run.deviceClass);
    const cost = ((price ?? 0) * run.wallSec) / 3600;
    const entry = (byClass[run.deviceClass] ??= { seconds: 0, cost: 0 });
    entry.seconds += run.wallSec;
    entry.cost += cost;
    total += cost;
  }
  return { total, byClass, unpriced: [...unpriced].sort() };
}
