import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GpuInfo } from '../cluster/capabilities.js';
import type { Backend, BackendStats, JobEvent, JobState, PoolStats } from '../engine/types.js';
import type { FleetView } from '../runtime/fleet-view.js';
import type { PoolJobCost } from '../cluster/cost-pools.js';
import type { JobRecord } from '../engine/types.js';
import { BoundedMap } from '../engine/bounded-map.js';

export interface MetricsOptions {
  backend: Backend;
  fleet: FleetView;
  /** GPUs with utilisation, where a vendor tool can read it (nvidia-smi); cached by the caller. */
  gpus?: () => Promise<GpuInfo[]>;
  /** A finished job's cost by pool (configured pools); absent: no cost metrics. */
  cost?: ((job: JobRecord) => PoolJobCost | undefined) | undefined;
}

const TERMINAL = ['done', 'failed', 'cancelled'];
const JOB_STATES: JobState[] = ['queued', 'planning', 'running', 'waiting', 'done', 'failed', 'cancelled'];

/** Prometheus metrics: gauges computed at scrape time, histograms and counters fed by job events. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly fps = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private readonly taskDuration: Histogram<'kind' | 'pool'>;
  private readonly jobLatency: Histogram<'state'>;
  private readonly retries: Counter<'kind'>;
  private readonly failures: Counter<'kind' | 'fatal'>;
  private readonly jobCost: Counter<'pool'>;
  private readonly jobWorkerSeconds: Counter<'pool'>;
  /** What each job already added to the cost counters: a retried job adds only its new runs. */
  private readonly counted = new BoundedMap<string, Record<string, { seconds: number; cost: number }>>(
    10_000,
  );

  constructor(private readonly options: MetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'framefleet_server_' });
    this.taskDuration = new Histogram({
      name: 'framefleet_task_duration_seconds',
      help: 'Wall time of finished (not reused) tasks by kind and pool',
      labelNames: ['kind', 'pool'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.jobLatency = new Histogram({
      name: 'framefleet_job_latency_seconds',
      help: 'Time from submission to a terminal state',
      labelNames: ['state'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600],
      registers,
    });
    this.retries = new Counter({
      name: 'framefleet_task_retries_total',
      help: 'Task attempts that failed and were scheduled again',
      labelNames: ['kind'],
      registers,
    });
    this.failures = new Counter({
      name: 'framefleet_task_failures_total',
      help: 'Task attempts that failed',
      labelNames: ['kind', 'fatal'],
      registers,
    });
    this.jobCost = new Counter({
      name: 'framefleet_job_cost_dollars_total',
      help: "Cost of finished jobs: their runs' worker-seconds times their pool's price per hour",
      labelNames: ['pool'],
      registers,
    });
    this.jobWorkerSeconds = new Counter({
      name: 'framefleet_job_worker_seconds_total',
      help: 'Worker-seconds of finished jobs by configured pool',
      labelNames: ['pool'],
      registers,
    });
    this.gauges(registers);
    // Best effort, and detached: a job record that cannot be read must not end the server.
    this.unsubscribe = options.backend.subscribe((event) => void this.onEvent(event).catch(() => undefined));
  }

  private gauges(registers: Registry[]): void {
    const { fleet, gpus } = this.options;
    // One read of the backend's stats serves every gauge of a scrape.
    let statsAt = 0;
    let statsRead: Promise<BackendStats> | undefined;
    const backend = {
      stats: () => {
        if (!statsRead || Date.now() - statsAt > 1000) {
          statsAt = Date.now();
          statsRead = this.options.backend.stats();
        }
        return statsRead;
      },
    };
    const fps = this.fps;
    new Gauge({
      name: 'framefleet_jobs',
      help: 'Jobs by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const { jobs } = await backend.stats();
        for (const state of JOB_STATES) this.set({ state }, jobs[state] ?? 0);
      },
    });
    const pools = (name: string, help: string, value: (p: PoolStats) => number, labelNames: string[] = []) =>
      new Gauge({
        name,
        help,
        labelNames: ['pool', ...labelNames],
        registers,
        async collect() {
          this.reset();
          for (const pool of (await backend.stats()).pools) this.set({ pool: pool.pool }, value(pool));
        },
      });
    pools('framefleet_pool_waiting_tasks', 'Tasks queued in each pool, not started', (p) => p.waiting);
    pools('framefleet_pool_active_tasks', 'Tasks running in each pool', (p) => p.active);
    pools(
      'framefleet_pool_delayed_tasks',
      'Tasks of each pool waiting out a retry backoff',
      (p) => p.delayed,
    );
    pools(
      'framefleet_pool_oldest_wait_seconds',
      'Age of the oldest waiting task per pool',
      (p) => p.oldestWaitingSec,
    );
    pools(
      'framefleet_pool_finished_last_hour',
      'Tasks finished in each pool over the last hour',
      (p) => p.finishedLastHour,
    );
    pools(
      'framefleet_pool_failed_last_hour',
      'Task attempts failed in each pool over the last hour',
      (p) => p.failedLastHour,
    );
    new Gauge({
      name: 'framefleet_encode_fps',
      help: 'Sum of the encode rates of running tasks, frames per second',
      registers,
      collect() {
        this.set([...fps.values()].reduce((sum, v) => sum + v, 0));
      },
    });
    new Gauge({
      name: 'framefleet_workers',
      help: 'Live workers by capability (cpu, encoder:<name>, gpu:<vendor>)',
      labelNames: ['capability'],
      registers,
      async collect() {
        this.reset();
        for (const node of await fleet.nodes()) {
          if (!node.live) continue;
          const caps = new Set(['cpu']);
          for (const e of node.capabilities?.encoders ?? []) caps.add(`encoder:${e}`);
          for (const g of node.capabilities?.gpus ?? []) caps.add(`gpu:${g.vendor}`);
          for (const capability of caps) this.inc({ capability });
        }
      },
    });
    new Gauge({
      name: 'framefleet_gpu_utilization_ratio',
      help: 'GPU utilisation 0..1 where the vendor tool reports it',
      labelNames: ['gpu', 'vendor', 'model'],
      registers,
      async collect() {
        this.reset();
        for (const gpu of gpus ? await gpus().catch(() => []) : []) {
          if (gpu.utilizationPct === undefined) continue;
          this.set(
            { gpu: String(gpu.index), vendor: gpu.vendor, model: gpu.model },
            gpu.utilizationPct / 100,
          );
        }
      },
    });
  }

  private async onEvent(event: JobEvent): Promise<void> {
    const key = `${event.jobId}/${'taskId' in event ? event.taskId : ''}`;
    if (event.type === 'task-progress' && event.fps !== undefined) this.fps.set(key, event.fps);
    if (event.type === 'failure') {
      const { kind, willRetry, fatal } = event.failure;
      this.failures.inc({ kind, fatal: String(fatal) });
      if (willRetry) this.retries.inc({ kind });
    }
    if (event.type === 'task' && event.state !== 'running') {
      this.fps.delete(key);
      if (event.state === 'done' && event.seconds !== undefined) {
        this.taskDuration.observe({ kind: event.kind, pool: event.pool ?? 'none' }, event.seconds);
      }
    }
    if (event.type === 'job' && TERMINAL.includes(event.state)) {
      for (const k of this.fps.keys()) if (k.startsWith(`${event.jobId}/`)) this.fps.delete(k);
      const job = await this.options.backend.get(event.jobId);
      if (job) {
        this.jobLatency.observe({ state: event.state }, (Date.now() - Date.parse(job.createdAt)) / 1000);
        const cost = this.options.cost?.(job);
        const before = this.counted.get(job.id) ?? {};
        for (const [pool, { seconds, cost: dollars }] of Object.entries(cost?.byPool ?? {})) {
          this.jobCost.inc({ pool }, Math.max(0, dollars - (before[pool]?.cost ?? 0)));
          this.jobWorkerSeconds.inc({ pool }, Math.max(0, seconds - (before[pool]?.seconds ?? 0)));
        }
        if (cost) this.counted.set(job.id, cost.byPool);
      }
    }
  }

  close(): void {
    this.unsubscribe();
  }
}
