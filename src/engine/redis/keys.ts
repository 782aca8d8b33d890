export { CONTROL_QUEUE } from '../routing.js';

/** Redis key names under one configurable prefix; BullMQ's own keys use the same prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Hash: the job's header fields (type, spec, state, run, error, result...), each JSON. */
  job(id: string): string {
    return `${this.prefix}:job:${id}`;
  }
  /** Hash: task id -> TaskRecord JSON. */
  tasks(id: string): string {
    return `${this.prefix}:tasks:${id}`;
  }
  /** Hash: task id -> its state in the current run ('done', 'running'...); a missing task is pending. */
  states(id: string): string {
    return `${this.prefix}:states:${id}`;
  }
  /** Hash of one run: task id -> how many of its dependencies are not done yet (tasks not ready). */
  wait(id: string, run: number | string): string {
    return `${this.prefix}:wait:${id}:${run}`;
  }
  /** Hash of one run: task id -> the ids of the tasks that depend on it, comma-joined. */
  next(id: string, run: number | string): string {
    return `${this.prefix}:next:${id}:${run}`;
  }
  /** List of TaskFailure JSON, oldest first. */
  failures(id: string): string {
    return `${this.prefix}:failures:${id}`;
  }
  /** String: the planned TaskGraph JSON; kept across runs so resubmits reuse it. */
  graph(id: string): string {
    return `${this.prefix}:graph:${id}`;
  }
  /** List: the expansions the job's tasks made, in the order they landed (StoredExpansion JSON). */
  expansions(id: string): string {
    return `${this.prefix}:expansions:${id}`;
  }
  /** Hash: task id -> 1 for each task whose expansion is stored (an expansion lands once). */
  expanded(id: string): string {
    return `${this.prefix}:expanded:${id}`;
  }
  /** Sorted set of job ids by creation time. */
  get jobs(): string {
    return `${this.prefix}:jobs`;
  }
  /** Prefix of the sorted sets of job ids by state (`<prefix>:jobs:state:running`), by creation time. */
  get jobsByState(): string {
    return `${this.prefix}:jobs:state:`;
  }
  /** String with a TTL: one live worker's registration. */
  node(workerId: string): string {
    return `${this.prefix}:node:${workerId}`;
  }
  /** Set of worker ids that registered; entries whose node key expired are pruned on read. */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }
  /** Set of pool queue names in use, so workers find processor pools such as 'ff.nvidia.proc-upscale'. */
  get queues(): string {
    return `${this.prefix}:queues`;
  }
  /** Pub/sub: task, progress and failure events (JobEvent JSON, or an array of them). */
  get events(): string {
    return `${this.prefix}:events`;
  }
  /** Pub/sub: job state changes only (JobEvent JSON), for those who wait for jobs to end. */
  get jobEvents(): string {
    return `${this.prefix}:job-events`;
  }
  /** Pub/sub: job ids whose running tasks must stop (cancelled or failed). */
  get cancels(): string {
    return `${this.prefix}:cancels`;
  }
  /** Pub/sub: a queue name that just came into use. */
  get queueAdded(): string {
    return `${this.prefix}:queue-added`;
  }
}

/** The BullMQ job id of one task in one run: ':' is not allowed there, so parts are joined by '.'. */
export function bullJobId(jobId: string, run: number, taskId: string): string {
  return `${jobId}.r${run}.${taskId}`;
}

/** What every BullMQ job framefleet adds carries: which job, which run, which task. */
export interface TaskJobData {
  jobId: string;
  run: number;
  taskId: string;
}

/** True for data shaped like a TaskJobData; a queue may also hold jobs written by hand or another program. Pure. */
export function isTaskJobData(data: unknown): data is TaskJobData {
  if (typeof data !== 'object' || data === null) return false;
  const { jobId, run, taskId } = data as Record<string, unknown>;
  return (
    typeof jobId === 'string' &&
    jobId !== '' &&
    typeof taskId === 'string' &&
    taskId !== '' &&
    typeof run === 'number' &&
    Number.isSafeInteger(run) &&
    run >= 1
  );
}
