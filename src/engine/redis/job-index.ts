import type { Redis } from 'ioredis';
import { taskRecordFor } from '../job-record.js';
import {
  TERMINAL_STATES,
  type JobError,
  type JobState,
  type ListFilter,
  type TaskGraph,
  type TaskRecord,
} from '../types.js';
import type { RedisKeys } from './keys.js';

/** The header of a job: everything but its tasks and failures. */
export interface JobHeader {
  id: string;
  type: string;
  spec: unknown;
  state: JobState;
  run: number;
  priority: number;
  createdAt: string;
  updatedAt: string;
  waitingFor: string | undefined;
  result: unknown;
  error: JobError | undefined;
}

/** The job index: every job by creation time, and one sorted set per state, kept by the state scripts. */
export class JobIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** A page of job ids, newest first, from the creation index (or a state's index), and the total. */
  async page(filter: ListFilter = {}): Promise<{ ids: string[]; total: number }> {
    const key = filter.state ? `${this.keys.jobsByState}${filter.state}` : this.keys.jobs;
    const offset = Math.max(0, filter.offset ?? 0);
    const limit = Math.max(1, filter.limit ?? 50);
    const [[, ids], [, total]] = (await this.redis
      .multi()
      .zrevrange(key, offset, offset + limit - 1)
      .zcard(key)
      .exec()) as [[unknown, string[]], [unknown, number]];
    return { ids, total };
  }

  /** Jobs per state, from the state indexes (one ZCARD each). */
  async counts(): Promise<Partial<Record<JobState, number>>> {
    const states: JobState[] = ['queued', 'planning', 'running', 'waiting', 'done', 'failed', 'cancelled'];
    const pipeline = this.redis.pipeline();
    for (const state of states) pipeline.zcard(`${this.keys.jobsByState}${state}`);
    const results = (await pipeline.exec()) ?? [];
    return Object.fromEntries(states.map((s, i) => [s, Number(results[i]?.[1] ?? 0)]));
  }
}

/**
 * Every task of a graph in graph order: its stored record, or a pending one for a task that has not
 * started (the plan writes no records for a new graph). Without a graph, the stored records.
 */
export function withPending(graph: TaskGraph | undefined, stored: readonly TaskRecord[]): TaskRecord[] {
  if (!graph) return [...stored];
  const byId = new Map(stored.map((r) => [r.id, r]));
  return graph.tasks.map((task) => byId.get(task.id) ?? taskRecordFor(task));
}

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function parseHeader(raw: Record<string, string>): JobHeader {
  const json = (field: string): unknown => (raw[field] === undefined ? undefined : JSON.parse(raw[field]));
  return {
    id: raw.id ?? '',
    type: raw.type ?? '',
    spec: json('spec'),
    state: raw.state as JobState,
    run: Number(raw.run ?? 0),
    priority: Number(raw.priority ?? 0),
    createdAt: raw.createdAt ?? '',
    updatedAt: raw.updatedAt ?? '',
    waitingFor: json('waitingFor') as string | undefined,
    result: json('result'),
    error: json('error') as JobError | undefined,
  };
}
