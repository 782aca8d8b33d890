import os from 'node:os';
import type { Capabilities } from '../engine/capabilities.js';
import type { Backend, JobEvent } from '../engine/types.js';
import { ENCODERS } from '../media/encoders/catalogue.js';
import { QueueHistory, type QueueInfo, type QueueSample } from './queue-history.js';

export type { QueueInfo, QueueSample } from './queue-history.js';

export interface RunningTask {
  jobId: string;
  taskId: string;
  kind: string;
  progress: number;
  fps: number | undefined;
  startedAt: string;
}

export interface NodeInfo {
  id: string;
  hostname: string;
  live: boolean;
  lastSeen: string;
  capabilities: Capabilities | undefined;
  slots: Record<string, number>;
  load: { load1: number; load5: number; cpus: number; rssMb: number } | undefined;
  tasks: RunningTask[];
}

export interface QueuesReport {
  queues: QueueInfo[];
  /** Samples over the last hour, oldest first. */
  history: QueueSample[];
}

/** What the server shows of the fleet; the local process is one node, Redis supplies its registry. */
export interface FleetView {
  nodes(): Promise<NodeInfo[]>;
  queues(): Promise<QueuesReport>;
  close(): void;
}

export interface LocalFleetOptions {
  backend: Backend;
  capabilities: () => Promise<Capabilities>;
  slots: Record<string, number>;
  /** How often queue depths are sampled for the chart. */
  sampleMs?: number;
  workerId?: string;
}

/**
 * The slots a node really has: CPU, and a GPU vendor's only where this machine has that vendor's
 * GPU or an encoder of it passed its smoke test (configured GPU slots alone prove nothing). Pure.
 */
export function presentSlots(
  slots: Record<string, number>,
  caps: Pick<Capabilities, 'gpus' | 'encoders'> | undefined,
): Record<string, number> {
  const devices = new Set<string>(['cpu']);
  for (const gpu of caps?.gpus ?? []) devices.add(gpu.vendor);
  for (const name of caps?.encoders ?? []) {
    const device = ENCODERS.find((e) => e.name === name)?.device;
    if (device) devices.add(device);
  }
  return Object.fromEntries(Object.entries(slots).filter(([device]) => devices.has(device)));
}

/** Waiting and running tasks per pool queue, from the backend's stats (no scan of jobs). */
export async function queueDepths(backend: Backend): Promise<QueueInfo[]> {
  const { pools } = await backend.stats();
  return pools.map((p) => ({
    name: p.pool,
    waiting: p.waiting,
    active: p.active,
    delayed: p.delayed,
    oldestWaitingSec: p.oldestWaitingSec,
    finishedLastHour: p.finishedLastHour,
    failedLastHour: p.failedLastHour,
  }));
}

/** The embedded default: this process is the only node; running tasks are followed from events. */
export class LocalFleetView implements FleetView {
  private readonly running = new Map<string, RunningTask>();
  private readonly history: QueueHistory;
  private readonly unsubscribe: () => void;
  private readonly id: string;
  private caps: Capabilities | undefined;

  constructor(private readonly options: LocalFleetOptions) {
    this.id = options.workerId ?? `${os.hostname()}:${process.pid}`;
    this.history = new QueueHistory(() => queueDepths(options.backend), options.sampleMs ?? 10_000);
    this.unsubscribe = options.backend.subscribe((event) => this.onEvent(event));
    // Found out in the background from the start (smoke encodes take a while), shown once known.
    void options.capabilities().then(
      (caps) => (this.caps = caps),
      () => undefined,
    );
  }

  private onEvent(event: JobEvent): void {
    if (event.type === 'task') {
      const key = `${event.jobId}/${event.taskId}`;
      if (event.state === 'running') {
        this.running.set(key, {
          jobId: event.jobId,
          taskId: event.taskId,
          kind: event.kind,
          progress: 0,
          fps: undefined,
          startedAt: new Date().toISOString(),
        });
      } else {
        this.running.delete(key);
        if (event.state === 'done') this.history.countCompleted();
      }
    } else if (event.type === 'task-progress') {
      const task = this.running.get(`${event.jobId}/${event.taskId}`);
      if (task) Object.assign(task, { progress: event.progress, fps: event.fps });
    } else if (event.type === 'job' && ['done', 'failed', 'cancelled'].includes(event.state)) {
      for (const [key, task] of this.running) if (task.jobId === event.jobId) this.running.delete(key);
    }
  }

  async nodes(): Promise<NodeInfo[]> {
    const [load1 = 0, load5 = 0] = os.loadavg();
    return [
      {
        id: this.id,
        hostname: os.hostname(),
        live: true,
        lastSeen: new Date().toISOString(),
        capabilities: this.caps,
        slots: presentSlots(this.options.slots, this.caps),
        load: {
          load1,
          load5,
          cpus: os.availableParallelism(),
          rssMb: Math.round(process.memoryUsage.rss() / 1048576),
        },
        tasks: [...this.running.values()],
      },
    ];
  }

  async queues(): Promise<QueuesReport> {
    return { queues: await queueDepths(this.options.backend), history: this.history.samples() };
  }

  close(): void {
    this.unsubscribe();
    this.history.close();
  }
}
