import type { Redis } from 'ioredis';
import { jobProgress, taskRecordFor } from '../job-record.js';
import {
  TERMINAL_STATES,
  type JobEvent,
  type JobRecord,
  type JobState,
  type TaskFailure,
  type TaskGraph,
  type TaskRecord,
} from '../types.js';
import { ADOPT, BEGIN, CLAIM, PUT_TASKS, SET_STATE, type TaskScripts } from './job-scripts.js';
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
  error: JobRecord['error'];
}

/** Task record writes grouped into one command at most. */
const MAX_WRITES_PER_COMMAND = 200;
/** How long a short task's done record may wait to be adopted (see adoptLater). */
const WRITE_BEHIND_MS = 250;

interface QueuedWrite {
  keys: [string, string];
  args: string[];
  resolve(outcome: { written: boolean; ended: boolean }): void;
  reject(error: unknown): void;
}

type Extra = Partial<Pick<JobHeader, 'waitingFor' | 'result' | 'error'>>;

/** Job records in Redis: a header hash, a hash of task records, a failure list; events over pub/sub. */
export class JobStore {
  private readonly graphs = new Map<string, Promise<TaskGraph | undefined>>();
  private readonly parsedGraphs = new Map<string, { raw: string; graph: TaskGraph }>();
  private readonly headers = new Map<string, { at: number; header: Promise<JobHeader | undefined> }>();
  private readonly writes: QueuedWrite[] = [];
  private flushing = false;
  /** Children finished here whose records are adopted behind, by their parent's processed hash. */
  private readonly later = new Map<string, { id: string; run: number; keys: string[] }>();
  private laterTimer: NodeJS.Timeout | undefined;
  private readonly behind = new Set<Promise<void>>();

  constructor(
    readonly redis: Redis,
    readonly keys: RedisKeys,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Starts a new run (returns its number) or, with one active, returns {started: false}. */
  async begin(
    id: string,
    type: string,
    spec: unknown,
    priority: number,
    force = false,
  ): Promise<{ started: boolean; run: number }> {
    const now = this.clock();
    const [started, run] = (await this.redis.eval(
      BEGIN,
      2,
      this.keys.job(id),
      this.keys.jobs,
      type,
      JSON.stringify(spec),
      String(priority),
      now.toISOString(),
      String(now.getTime()),
      id,
      force ? '1' : '0',
    )) as [number, number];
    if (started) await this.publish({ type: 'job', jobId: id, state: 'queued' });
    return { started: started === 1, run };
  }

  /** Moves a job to a state; `run` and `guard` make a late writer from an old run harmless. */
  async setState(
    id: string,
    state: JobState,
    extra: Extra = {},
    options: { run?: number; guard?: boolean } = {},
  ): Promise<boolean> {
    const fields: string[] = [];
    for (const name of ['waitingFor', 'result', 'error'] as const) {
      if (name in extra) fields.push(name, extra[name] === undefined ? '' : JSON.stringify(extra[name]));
    }
    const changed = await this.redis.eval(
      SET_STATE,
      1,
      this.keys.job(id),
      state,
      this.clock().toISOString(),
      options.run === undefined ? '' : String(options.run),
      options.guard === false ? '0' : '1',
      ...fields,
    );
    if (changed !== 1) return false;
    await this.publish({
      type: 'job',
      jobId: id,
      state,
      ...(extra.error ? { error: extra.error } : {}),
      ...(extra.waitingFor ? { waitingFor: extra.waitingFor } : {}),
    });
    return true;
  }

  /** Says (or clears) why a job is waiting, without changing its state; published only on change. */
  async setWaitingFor(id: string, reason: string | undefined): Promise<void> {
    const key = this.keys.job(id);
    const previous = await this.redis.hget(key, 'waitingFor');
    const next = reason === undefined ? null : JSON.stringify(reason);
    if (previous === next) return;
    if (next === null) await this.redis.hdel(key, 'waitingFor');
    else await this.redis.hset(key, 'waitingFor', next);
    const state = (await this.redis.hget(key, 'state')) as JobState | null;
    if (state)
      await this.publish({ type: 'job', jobId: id, state, ...(reason ? { waitingFor: reason } : {}) });
  }

  async header(id: string): Promise<JobHeader | undefined> {
    const raw = await this.redis.hgetall(this.keys.job(id));
    return raw.state ? parseHeader(raw) : undefined;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const [header, stored, failures, graph] = await Promise.all([
      this.header(id),
      this.tasks(id),
      this.redis.lrange(this.keys.failures(id), 0, -1),
      this.graph(id),
    ]);
    if (!header) return undefined;
    const tasks = withPending(graph, stored);
    return {
      id: header.id,
      type: header.type,
      spec: header.spec,
      state: header.state,
      createdAt: header.createdAt,
      updatedAt: header.updatedAt,
      priority: header.priority,
      progress: header.state === 'done' ? 1 : jobProgress(tasks),
      tasks,
      failures: failures.map((f) => JSON.parse(f) as TaskFailure),
      waitingFor: header.waitingFor,
      result: header.result,
      error: header.error,
    };
  }

  /** Job ids, newest first. */
  async ids(): Promise<string[]> {
    return this.redis.zrevrange(this.keys.jobs, 0, -1);
  }

  /**
   * The task records stored for a job: those of tasks that have started, in any run (a task with no
   * record is pending; `withPending` fills them in from the graph).
   */
  async tasks(id: string): Promise<TaskRecord[]> {
    const raw = await this.redis.hgetall(this.keys.tasks(id));
    return Object.values(raw).map((t) => JSON.parse(t) as TaskRecord);
  }

  async task(id: string, taskId: string): Promise<TaskRecord | undefined> {
    const raw = await this.redis.hget(this.keys.tasks(id), taskId);
    return raw ? (JSON.parse(raw) as TaskRecord) : undefined;
  }

  async putTasks(id: string, records: readonly TaskRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.redis.hset(
      this.keys.tasks(id),
      Object.fromEntries(records.map((r) => [r.id, JSON.stringify(r)])),
    );
  }

  /** The header and one task record in one command. */
  async headerAndTask(id: string, taskId: string): Promise<[JobHeader | undefined, TaskRecord | undefined]> {
    const [flat, task] = (await this.scripts().ffClaim(this.keys.job(id), this.keys.tasks(id), taskId)) as [
      string[],
      string | null,
    ];
    const raw: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) raw[flat[i]!] = flat[i + 1]!;
    return [raw.state ? parseHeader(raw) : undefined, task ? (JSON.parse(task) as TaskRecord) : undefined];
  }

  /** Outputs of some tasks, by id. */
  async outputs(id: string, taskIds: readonly string[]): Promise<Record<string, unknown>> {
    if (taskIds.length === 0) return {};
    const raw = await this.redis.hmget(this.keys.tasks(id), ...taskIds);
    return Object.fromEntries(
      taskIds.map((t, i) => [t, raw[i] ? (JSON.parse(raw[i]!) as TaskRecord).output : undefined]),
    );
  }

  /**
   * Adopts the done records a parent's children left in BullMQ (`processedKey`: the parent's
   * processed hash) for those not recorded done yet, with their events, only while `run` is current.
   * Returns the children's return values by child key, as BullMQ stored them (JSON).
   */
  async adopt(id: string, run: number, processedKey: string): Promise<Record<string, string>> {
    const flat = (await this.adoptCommand(id, run, processedKey, [])) as string[];
    const values: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) values[flat[i]!] = flat[i + 1]!;
    return values;
  }

  /**
   * A short task's done record, adopted within WRITE_BEHIND_MS together with its siblings' instead
   * of written before the task returns: the record is the task's BullMQ return value, kept in its
   * parent's processed hash (`processedKey`) under `childKey`. Nothing is lost if this worker dies
   * first: the parent adopts all of its children before it runs. Errors are dropped for that reason.
   */
  adoptLater(id: string, run: number, processedKey: string, childKey: string): void {
    let children = this.later.get(processedKey);
    if (!children) this.later.set(processedKey, (children = { id, run, keys: [] }));
    children.keys.push(childKey);
    this.laterTimer ??= setTimeout(() => void this.flushLater(), WRITE_BEHIND_MS);
  }

  private adoptCommand(id: string, run: number, processedKey: string, childKeys: string[]) {
    return this.scripts().ffAdopt(
      this.keys.tasks(id),
      this.keys.job(id),
      processedKey,
      this.keys.events,
      id,
      String(run),
      ...childKeys,
    );
  }

  private flushLater(): Promise<void> {
    clearTimeout(this.laterTimer);
    this.laterTimer = undefined;
    const parents = [...this.later];
    this.later.clear();
    const written = Promise.all(
      parents.map(([processedKey, { id, run, keys }]) => this.adoptCommand(id, run, processedKey, keys)),
    ).then(
      () => undefined,
      () => undefined,
    );
    this.behind.add(written);
    void written.then(() => this.behind.delete(written));
    return written;
  }

  /** Adopts what adoptLater holds now and waits for it (a worker stopping). */
  async drain(): Promise<void> {
    await this.flushLater();
    await Promise.all(this.behind);
  }

  /**
   * Writes a task record and publishes it as its task event, only while `run` is the job's current
   * run; also drops the job's waitingFor. Says whether it was written and whether the job has
   * already ended. Writes from concurrent tasks are grouped: one command carries every write queued
   * while the previous one was in flight, in order.
   */
  putTask(id: string, record: TaskRecord, run?: number): Promise<{ written: boolean; ended: boolean }> {
    return new Promise((resolve, reject) => {
      this.writes.push({
        keys: [this.keys.tasks(id), this.keys.job(id)],
        args: [record.id, JSON.stringify(record), id, run === undefined ? '' : String(run)],
        resolve,
        reject,
      });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flushWrites());
      }
    });
  }

  private async flushWrites(): Promise<void> {
    while (this.writes.length > 0) {
      const batch = this.writes.splice(0, MAX_WRITES_PER_COMMAND);
      try {
        const outcomes = await this.scripts().ffPutTasks(
          batch.length * 2,
          ...batch.flatMap((w) => w.keys),
          this.keys.events,
          this.keys.jobEvents,
          ...batch.flatMap((w) => w.args),
        );
        batch.forEach((w, i) => w.resolve({ written: outcomes[i] !== 0, ended: outcomes[i] === 2 }));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.flushing = false;
  }

  /**
   * The header as this process read it at most `maxAgeMs` ago: a task start checks its run without
   * a round trip of its own. Concurrent callers share one read; `forget` drops a job's entry (its
   * cancel message arrived).
   */
  recentHeader(id: string, maxAgeMs: number): Promise<JobHeader | undefined> {
    const now = Date.now();
    const cached = this.headers.get(id);
    if (cached && now - cached.at <= maxAgeMs) return cached.header;
    const header = this.header(id);
    this.headers.delete(id);
    if (this.headers.size >= 256) this.headers.delete(this.headers.keys().next().value!);
    this.headers.set(id, { at: now, header });
    header.catch(() => this.headers.delete(id));
    return header;
  }

  forget(id: string): void {
    this.headers.delete(id);
  }

  /** The per-task scripts, defined once per connection (then sent by SHA). */
  private scripts(): TaskScripts {
    const redis = this.redis as unknown as Partial<TaskScripts> & Redis;
    if (!redis.ffClaim) {
      redis.defineCommand('ffClaim', { numberOfKeys: 2, lua: CLAIM });
      redis.defineCommand('ffPutTasks', { lua: PUT_TASKS });
      redis.defineCommand('ffAdopt', { numberOfKeys: 3, lua: ADOPT });
    }
    return redis as unknown as TaskScripts;
  }

  /** The graph of a job's run; a run's graph never changes, so it is read once per process. */
  graphOf(id: string, run: number): Promise<TaskGraph | undefined> {
    const key = `${id}.${run}`;
    const cached = this.graphs.get(key);
    if (cached) return cached;
    const graph = this.graph(id);
    if (this.graphs.size >= 64) this.graphs.delete(this.graphs.keys().next().value!);
    this.graphs.set(key, graph);
    // A missing graph (or a failed read) is not remembered: the next task reads again.
    graph.then(
      (g) => g || this.graphs.delete(key),
      () => this.graphs.delete(key),
    );
    return graph;
  }

  /**
   * A job's graph. The last graph parsed per job is kept with its text: the text is read every time
   * (a new run may plan anew), but parsing hundreds of tasks again when it has not changed is not.
   */
  async graph(id: string): Promise<TaskGraph | undefined> {
    const raw = await this.redis.get(this.keys.graph(id));
    if (!raw) return undefined;
    const parsed = this.parsedGraphs.get(id);
    if (parsed?.raw === raw) return parsed.graph;
    const graph = JSON.parse(raw) as TaskGraph;
    this.rememberParsed(id, raw, graph);
    return graph;
  }

  private rememberParsed(id: string, raw: string, graph: TaskGraph): void {
    this.parsedGraphs.delete(id);
    if (this.parsedGraphs.size >= 64) this.parsedGraphs.delete(this.parsedGraphs.keys().next().value!);
    this.parsedGraphs.set(id, { raw, graph });
  }

  /** Stores a run's graph; this process (which planned it) then never parses it back. */
  async setGraph(id: string, graph: TaskGraph, run?: number): Promise<void> {
    const raw = JSON.stringify(graph);
    await this.redis.set(this.keys.graph(id), raw);
    this.rememberParsed(id, raw, graph);
    if (run === undefined) return;
    if (this.graphs.size >= 64) this.graphs.delete(this.graphs.keys().next().value!);
    this.graphs.set(`${id}.${run}`, Promise.resolve(graph));
  }

  async addFailure(failure: TaskFailure & { jobId: string }): Promise<void> {
    const { jobId, ...rest } = failure;
    await this.redis.rpush(this.keys.failures(jobId), JSON.stringify(rest));
    await this.publish({ type: 'failure', jobId, failure: rest });
  }

  /** Job state changes go to their own channel: waiters need nothing else. */
  async publish(event: JobEvent): Promise<void> {
    const channel = event.type === 'job' ? this.keys.jobEvents : this.keys.events;
    await this.redis.publish(channel, JSON.stringify(event));
  }

  /** Deletes every key of a job (tests and `queues --clean`). */
  async remove(id: string): Promise<void> {
    const k = this.keys;
    await this.redis.del(k.job(id), k.tasks(id), k.failures(id), k.graph(id));
    await this.redis.zrem(k.jobs, id);
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

function parseHeader(raw: Record<string, string>): JobHeader {
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
    error: json('error') as JobRecord['error'],
  };
}
