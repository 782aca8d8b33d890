import type { Redis } from 'ioredis';
import type { Capabilities } from '../capabilities.js';
import type { FleetCapabilities } from '../types.js';
import type { RedisKeys } from './keys.js';

export interface NodeTask {
  jobId: string;
  taskId: string;
  kind: string;
  startedAt: string;
}

/** What a worker publishes about itself on every heartbeat. */
export interface NodeInfo {
  id: string;
  hostname: string;
  pid: number;
  capabilities: Capabilities;
  queues: string[];
  slots: { cpu: number; gpu: number };
  tasks: NodeTask[];
  /** Stopping: takes no new tasks. */
  draining: boolean;
  startedAt: string;
  heartbeatAt: string;
}

/** Live workers: one key per worker with a TTL, refreshed by its heartbeat; a dead one expires. */
export class NodeRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async register(info: NodeInfo, ttlMs: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.node(info.id), JSON.stringify(info), 'PX', ttlMs)
      .sadd(this.keys.nodes, info.id)
      .exec();
  }

  async unregister(id: string): Promise<void> {
    await this.redis.multi().del(this.keys.node(id)).srem(this.keys.nodes, id).exec();
  }

  /** Workers whose registration has not expired; expired ones are pruned from the index. */
  async live(): Promise<NodeInfo[]> {
    const ids = await this.redis.smembers(this.keys.nodes);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.node(id)));
    const dead = ids.filter((_, i) => values[i] === null);
    if (dead.length > 0) await this.redis.srem(this.keys.nodes, ...dead);
    return values
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as NodeInfo)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async fleetCapabilities(): Promise<FleetCapabilities> {
    return fleetCapabilities(await this.live());
  }
}

/** The union of what live, non-draining workers proved: what a job may be planned for. Pure. */
export function fleetCapabilities(nodes: readonly NodeInfo[]): FleetCapabilities {
  const active = nodes.filter((n) => !n.draining);
  const devices = new Set<FleetCapabilities['devices'][number]>();
  for (const node of active) {
    devices.add('cpu');
    for (const gpu of node.capabilities.gpus) devices.add(gpu.vendor);
  }
  return {
    encoders: [...new Set(active.flatMap((n) => n.capabilities.encoders))].sort(),
    hwaccels: [...new Set(active.flatMap((n) => n.capabilities.hwaccels))].sort(),
    features: [...new Set(active.flatMap((n) => n.capabilities.features ?? []))].sort(),
    devices: [...devices],
    slots: Math.max(
      1,
      active.reduce((sum, n) => sum + n.slots.cpu + n.slots.gpu, 0),
    ),
  };
}
