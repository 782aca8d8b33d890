import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GpuInfo } from '../cluster/capabilities.js';
import { queueNameFor } from '../cluster/routing.js';
import type { Backend, JobEvent } from '../engine/types.js';
import type { FleetView } from './fleet-view.js';

export interface MetricsOptions {
  backend: Backend;
  fleet: FleetView;
  /** GPUs with utilisation, where a vendor tool can read it (nvidia-smi); cached by the caller. */
  gpus?: () => Promise<GpuInfo[]>;
}

const TERMINAL = ['done', 'failed', 'cancelled'];

/** Prometheus metrics: gauges computed at scrape time, histograms and counters fed by job events. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly fps = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private readonly taskDuration: Histogram<'kind' | 'encoder'>;
  private readonly jobLatency: Histogram<'state'>;
  private readonly retries: Counter<'kind'>;
  private readonly failures: Counter<'kind' | 'fatal'>;

  constructor(private readonly options: MetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'framefleet_server_' });
    this.taskDuration = new Histogram({
      name: 'framefleet_task_duration_seconds',
      help: 'Wall time of finished (not reused) tasks by kind and encoder',
      labelNames: ['kind', 'encoder'],
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
    this.gauges(registers);
    this.unsubscribe = options.backend.subscribe((event) => void this.onEvent(event));
  }

  private gauges(registers: Registry[]): void {
    const { backend, fleet, gpus } = this.options;
    const fps = this.fps;
    new Gauge({
      name: 'framefleet_jobs',
      help: 'Jobs by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const state of ['queued', 'planning', 'running', 'waiting', 'done', 'failed', 'cancelled']) {
          this.set({ state }, 0);
        }
        const { jobs } = await backend.list({ limit: 100_000 });
        for (const job of jobs) this.inc({ state: job.state });
      },
    });
    new Gauge({
      name: 'framefleet_tasks',
      help: 'Tasks of unfinished jobs by queue, kind and state',
      labelNames: ['queue', 'kind', 'state'],
      registers,
      async collect() {
        this.reset();
        const { jobs } = await backend.list({ limit: 100_000 });
        for (const job of jobs) {
          if (TERMINAL.includes(job.state)) continue;
          for (const t of job.tasks)
            this.inc({ queue: queueNameFor(t.requires), kind: t.kind, state: t.state });
        }
      },
    });
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
        this.taskDuration.observe({ kind: event.kind, encoder: event.encoder ?? 'none' }, event.seconds);
      }
    }
    if (event.type === 'job' && TERMINAL.includes(event.state)) {
      for (const k of this.fps.keys()) if (k.startsWith(`${event.jobId}/`)) this.fps.delete(k);
      const job = await this.options.backend.get(event.jobId);
      if (job)
        this.jobLatency.observe({ state: event.state }, (Date.now() - Date.parse(job.createdAt)) / 1000);
    }
  }

  close(): void {
    this.unsubscribe();
  }
}
