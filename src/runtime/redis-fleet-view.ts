import type { Backend, JobEvent } from '../engine/types.js';
import type { NodeRegistry } from '../engine/redis/node-registry.js';
import { queueDepths, type FleetView, type NodeInfo, type QueuesReport } from './fleet-view.js';
import { QueueHistory } from './queue-history.js';

/** The fleet through Redis: workers from the node registry, task progress from the job events. */
export class RedisFleetView implements FleetView {
  private readonly progress = new Map<string, { progress: number; fps: number | undefined }>();
  private readonly history: QueueHistory;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly backend: Backend,
    private readonly registry: NodeRegistry,
    sampleMs = 10_000,
  ) {
    this.history = new QueueHistory(() => queueDepths(backend), sampleMs);
    this.unsubscribe = backend.subscribe((event) => this.onEvent(event));
  }

  private onEvent(event: JobEvent): void {
    if (event.type === 'task-progress') {
      this.progress.set(`${event.jobId}/${event.taskId}`, { progress: event.progress, fps: event.fps });
    } else if (event.type === 'task' && event.state !== 'running') {
      this.progress.delete(`${event.jobId}/${event.taskId}`);
      if (event.state === 'done') this.history.countCompleted();
    }
  }

  async nodes(): Promise<NodeInfo[]> {
    return (await this.registry.live()).map((node) => ({
      id: node.id,
      hostname: node.hostname,
      live: !node.draining,
      lastSeen: node.heartbeatAt,
      capabilities: node.capabilities,
      slots: { cpu: node.slots.cpu, gpu: node.slots.gpu },
      load: undefined,
      tasks: node.tasks.map((t) => ({
        ...t,
        progress: this.progress.get(`${t.jobId}/${t.taskId}`)?.progress ?? 0,
        fps: this.progress.get(`${t.jobId}/${t.taskId}`)?.fps,
      })),
    }));
  }

  async queues(): Promise<QueuesReport> {
    return { queues: await queueDepths(this.backend), history: this.history.samples() };
  }

  close(): void {
    this.unsubscribe();
    this.history.close();
  }
}
