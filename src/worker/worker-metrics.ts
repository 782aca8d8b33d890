import { Gauge, Registry, type Metric, type MetricValueWithName } from 'prom-client';
import type { SlotClass } from './slot-pool.js';

const TASK_SECONDS_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 1800];

/** One kind's finished tasks: counts by outcome, and run times bucketed as Prometheus histograms are. */
interface KindTally {
  outcomes: Map<string, number>;
  buckets: number[];
  count: number;
  sum: number;
}

/**
 * The worker's Prometheus metrics, in a registry of its own (several workers may share a process).
 * Finished tasks are tallied in plain numbers and turned into a counter and a histogram when
 * scraped: a worker finishes thousands of short tasks a second, and a labelled prom-client
 * observation costs more than the rest of a task's bookkeeping.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  /** Read at scrape time: tasks start and end far more often than anyone scrapes. */
  readonly busySlots: Gauge;
  readonly slots = new Gauge({
    name: 'framefleet_worker_slots',
    help: 'Slots this worker offers, by slot class',
    labelNames: ['slot'],
    registers: [this.registry],
  });
  readonly queues = new Gauge({
    name: 'framefleet_worker_queues',
    help: 'Queues this worker consumes',
    registers: [this.registry],
  });
  private readonly kinds = new Map<string, KindTally>();

  constructor(busy: () => Record<SlotClass, number>) {
    this.busySlots = new Gauge({
      name: 'framefleet_worker_busy_slots',
      help: 'Slots running a task, by slot class',
      labelNames: ['slot'],
      registers: [this.registry],
      collect() {
        for (const [slot, used] of Object.entries(busy())) this.set({ slot }, used);
      },
    });
    this.registry.registerMetric(
      collector(
        'framefleet_worker_tasks_total',
        'Tasks finished by this worker, by kind and outcome',
        'counter',
        () =>
          [...this.kinds].flatMap(([kind, tally]) =>
            [...tally.outcomes].map(([outcome, value]) => ({ labels: { kind, outcome }, value })),
          ),
      ),
    );
    this.registry.registerMetric(
      collector('framefleet_worker_task_seconds', 'Task run time on this worker', 'histogram', () =>
        [...this.kinds].flatMap(([kind, tally]) =>
          histogramValues('framefleet_worker_task_seconds', kind, tally),
        ),
      ),
    );
  }

  /** Counts a finished task and its run time. */
  finished(kind: string, outcome: string, seconds: number): void {
    let tally = this.kinds.get(kind);
    if (!tally) {
      tally = { outcomes: new Map(), buckets: TASK_SECONDS_BUCKETS.map(() => 0), count: 0, sum: 0 };
      this.kinds.set(kind, tally);
    }
    tally.outcomes.set(outcome, (tally.outcomes.get(outcome) ?? 0) + 1);
    const bucket = TASK_SECONDS_BUCKETS.findIndex((le) => seconds <= le);
    if (bucket >= 0) tally.buckets[bucket]! += 1;
    tally.count += 1;
    tally.sum += seconds;
  }
}

/** Cumulative buckets, +Inf, sum and count of one kind, as prom-client's histograms export them. */
function histogramValues(name: string, kind: string, tally: KindTally): MetricValueWithName<string>[] {
  let cumulative = 0;
  const buckets = TASK_SECONDS_BUCKETS.map((le, i) => {
    cumulative += tally.buckets[i]!;
    return { metricName: `${name}_bucket`, labels: { le, kind }, value: cumulative };
  });
  return [
    ...buckets,
    { metricName: `${name}_bucket`, labels: { le: '+Inf', kind }, value: tally.count },
    { metricName: `${name}_sum`, labels: { kind }, value: tally.sum },
    { metricName: `${name}_count`, labels: { kind }, value: tally.count },
  ];
}

/**
 * A metric whose values are computed when scraped. prom-client's registry renders anything with a
 * name and a get() that returns its values; its types admit only its own metric classes.
 */
function collector(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => MetricValueWithName<string>[],
): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  };
  return metric as unknown as Metric;
}
