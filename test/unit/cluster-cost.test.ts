import { describe, expect, it } from 'vitest';
import { deviceClassOf, jobCost, parsePriceTable, priceOf, type TaskRun } from '../../src/cluster/cost.js';

const prices = { cpu: 0.36, nvidia: 3.6, 'spot-t4': 1.8 };

describe('jobCost', () => {
  it('sums wall seconds x hourly price per class, retries included', () => {
    const runs: TaskRun[] = [
      { taskId: 'seg-0', wallSec: 100, deviceClass: 'nvidia' },
      { taskId: 'seg-1', wallSec: 50, deviceClass: 'nvidia' },
      { taskId: 'seg-1', wallSec: 20, deviceClass: 'nvidia' }, // a retry costs too
      { taskId: 'audio', wallSec: 10, deviceClass: 'cpu' },
      { taskId: 'stitch', wallSec: 3600, deviceClass: 'spot-t4' },
    ];
    const cost = jobCost(runs, prices);
    expect(cost.byClass).toEqual({
      nvidia: { seconds: 170, cost: expect.closeTo(0.17, 10) },
      cpu: { seconds: 10, cost: expect.closeTo(0.001, 10) },
      'spot-t4': { seconds: 3600, cost: expect.closeTo(1.8, 10) },
    });
    expect(cost.total).toBeCloseTo(1.971, 10);
    expect(cost.unpriced).toEqual([]);
  });

  it.each<[string, TaskRun[], Record<string, number>, number, string[]]>([
    ['no runs', [], prices, 0, []],
    [
      'unpriced class costs nothing and is named',
      [{ taskId: 't', wallSec: 60, deviceClass: 'amd' }],
      prices,
      0,
      ['amd'],
    ],
    [
      'default price covers unknown classes',
      [{ taskId: 't', wallSec: 3600, deviceClass: 'amd' }],
      { default: 2 },
      2,
      [],
    ],
    ['zero-second run', [{ taskId: 't', wallSec: 0, deviceClass: 'nvidia' }], prices, 0, []],
  ])('%s', (_name, runs, table, total, unpriced) => {
    const cost = jobCost(runs, table);
    expect(cost.total).toBeCloseTo(total, 10);
    expect(cost.unpriced).toEqual(unpriced);
  });

  it('rejects a negative duration naming the task', () => {
    expect(() => jobCost([{ taskId: 'seg-3', wallSec: -1, deviceClass: 'cpu' }], prices)).toThrow(
      /`seg-3`.*`-1`/,
    );
  });
});

describe('prices and device classes', () => {
  it('looks up the exact class, then default', () => {
    expect(priceOf(prices, 'nvidia')).toBe(3.6);
    expect(priceOf(prices, 'amd')).toBeUndefined();
    expect(priceOf({ ...prices, default: 1 }, 'amd')).toBe(1);
  });

  it.each<[string, unknown, string | undefined]>([
    ['valid', { cpu: 0.1, nvidia: 2 }, undefined],
    ['negative', { cpu: -1 }, '`-1`'],
    ['not a number', { nvidia: 'cheap' }, '`cheap`'],
    ['not an object', 'cpu=1', '`cpu=1`'],
  ])('parsePriceTable: %s', (_name, input, message) => {
    if (message === undefined) expect(parsePriceTable(input)).toEqual(input);
    else expect(() => parsePriceTable(input)).toThrow(message);
  });

  it.each<[string, Parameters<typeof deviceClassOf>[0], string]>([
    ['cpu only', { gpus: [], labels: {} }, 'cpu'],
    [
      'first GPU by index',
      {
        gpus: [
          { index: 1, vendor: 'amd', model: '', vramMb: 0 },
          { index: 0, vendor: 'intel', model: '', vramMb: 0 },
        ],
        labels: {},
      },
      'intel',
    ],
    [
      'label wins',
      {
        gpus: [{ index: 0, vendor: 'nvidia', model: 'T4', vramMb: 15360 }],
        labels: { 'price-class': 'spot-t4' },
      },
      'spot-t4',
    ],
  ])('deviceClassOf: %s', (_name, capabilities, expected) => {
    expect(deviceClassOf(capabilities)).toBe(expected);
  });
});
