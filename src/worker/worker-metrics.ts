import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SlotClass } from './slot-pool.js';

/** The worker's Prometheus metrics, in a registry of its own (several workers may share a process). */
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
  readonly tasks = new Counter({
    name: 'framefleet_worker_tasks_total',
    help: 'Tasks finished by this worker, by kind and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly taskSeconds = new Histogram({
    name: 'framefleet_worker_task_seconds',
    help: 'Task run time on this worker',
    labelNames: ['kind'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [this.registry],
  });
  readonly queues = new Gauge({
    name: 'framefleet_worker_queues',
    help: 'Queues this worker consumes',
    registers: [this.registry],
  });

  private readonly finishedBy = new Map<
    string,
    { count: Counter.Internal; seconds: Histogram.Internal<string> }
  >();

  /** Counts a finished task and its run time; label children are looked up once per kind and outcome. */
  finished(kind: string, outcome: string, seconds: number): void {
    const key = `${kind}\0${outcome}`;
    let children = this.finishedBy.get(key);
    if (!children) {
      children = { count: this.tasks.labels({ kind, outcome }), seconds: this.taskSeconds.labels({ kind }) };
      this.finishedBy.set(key, children);
    }
    children.count.inc();
    children.seconds.observe(seconds);
  }

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
  }
}
