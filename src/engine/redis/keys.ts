/** The control queue: plan steps (they probe the input) run here, on any worker. */
export const CONTROL_QUEUE = 'ff.control';

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
  /** List of TaskFailure JSON, oldest first. */
  failures(id: string): string {
    return `${this.prefix}:failures:${id}`;
  }
  /** String: the planned TaskGraph JSON; kept across runs so resubmits reuse it. */
  graph(id: string): string {
    return `${this.prefix}:graph:${id}`;
  }
  /** Sorted set of job ids by creation time. */
  get jobs(): string {
    return `${this.prefix}:jobs`;
  }
  /** String with a TTL: one live worker's registration. */
  node(workerId: string): string {
    return `${this.prefix}:node:${workerId}`;
  }
  /** Set of worker ids that registered; entries whose node key expired are pruned on read. */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }
  /** Set of task queue names in use, so workers find queues such as 'ff.enc=libx264.px=14400'. */
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
