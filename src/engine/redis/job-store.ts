import type { Redis } from 'ioredis';
import { BoundedMap } from '../bounded-map.js';
import { dependantsOf } from '../graph.js';
import { jobProgress } from '../job-record.js';
import { usageOf } from '../lifecycle.js';
import {
  TERMINAL_STATES,
  type JobEvent,
  type JobRecord,
  type JobState,
  type TaskFailure,
  type TaskGraph,
  type TaskRecord,
} from '../types.js';
import type { GraphStore } from './graph-store.js';
import { JobIndex, parseHeader, withPending, type JobHeader } from './job-index.js';
import { rootsKey } from './job-roots.js';
import type { RedisKeys } from './keys.js';
import { BEGIN, CLAIM, runScript, SET_STATE } from './scripts.js';
import { TaskWriter, type WriteOutcome } from './task-writer.js';

type Extra = Partial<Pick<JobHeader, 'waitingFor' | 'result' | 'error'>>;

/** Job records in Redis: a header hash, task records and states, a failure list; events over pub/sub. */
export class JobStore {
  private readonly headers = new BoundedMap<string, { at: number; header: Promise<JobHeader | undefined> }>(
    256,
  );
  private readonly writer: TaskWriter;
  private readonly outputs = new BoundedMap<string, unknown>(2048);

  constructor(
    readonly redis: Redis,
    readonly keys: RedisKeys,
    private readonly graphs: GraphStore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.writer = new TaskWriter(redis, keys);
    this.index = new JobIndex(redis, keys);
  }

  /** Starts a new run (returns its number) or, with one active, returns {started: false}. */
  async begin(
    id: string,
    type: string,
    spec: unknown,
    priority: number,
    force = false,
  ): Promise<{ started: boolean; run: number }> {
    const now = this.clock();
    const [started, run] = (await runScript(this.redis, BEGIN, {
      keys: { job: this.keys.job(id), jobs: this.keys.jobs },
      args: {
        type,
        spec: JSON.stringify(spec),
        priority,
        now: now.toISOString(),
        nowMs: now.getTime(),
        id,
        force: force ? '1' : '0',
        byState: this.keys.jobsByState,
      },
    })) as [number, number];
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
    const rows: { field: string; value: string }[] = [];
    for (const field of ['waitingFor', 'result', 'error'] as const) {
      if (field in extra)
        rows.push({ field, value: extra[field] === undefined ? '' : JSON.stringify(extra[field]) });
    }
    if (TERMINAL_STATES.includes(state)) {
      rows.push({ field: 'usage', value: JSON.stringify(usageOf(await this.tasks(id))) });
    }
    const changed = await runScript(this.redis, SET_STATE, {
      keys: { job: this.keys.job(id), jobs: this.keys.jobs },
      args: {
        state,
        now: this.clock().toISOString(),
        run: options.run === undefined ? '' : options.run,
        guard: options.guard === false ? '0' : '1',
        byState: this.keys.jobsByState,
      },
      rows,
    });
    if (changed !== 1) return false;
    this.headers.delete(id);
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
    const [raw, stored, failures, graph] = await Promise.all([
      this.redis.hgetall(this.keys.job(id)),
      this.tasks(id),
      this.redis.lrange(this.keys.failures(id), 0, -1),
      this.graphs.graph(id),
    ]);
    if (!raw.state) return undefined;
    const header = parseHeader(raw);
    // A task that never started in a run that was stopped is cancelled, whoever wrote what first.
    const stopped = header.state === 'failed' || header.state === 'cancelled';
    const tasks = withPending(graph, stored).map((t) =>
      stopped && (t.state === 'pending' || t.state === 'queued') ? { ...t, state: 'cancelled' as const } : t,
    );
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
      usage: raw.usage ? (JSON.parse(raw.usage) as Record<string, number>) : usageOf(tasks),
      ...(graph?.warnings ? { warnings: graph.warnings } : {}),
    };
  }

  /** A page of job ids, newest first, and per-state counts: see JobIndex. */
  readonly index: JobIndex;

  /** The task records stored for a job (a task with no record is pending; see withPending). */
  async tasks(id: string): Promise<TaskRecord[]> {
    const raw = await this.redis.hgetall(this.keys.tasks(id));
    return Object.values(raw).map((t) => JSON.parse(t) as TaskRecord);
  }

  /** The header, one task's record and its dependencies' records, in one command. */
  async claim(
    id: string,
    taskId: string,
    deps: readonly string[],
  ): Promise<[JobHeader | undefined, TaskRecord | undefined, (TaskRecord | undefined)[]]> {
    const [flat, own, ...depRecords] = (await runScript(this.redis, CLAIM, {
      keys: { job: this.keys.job(id), tasks: this.keys.tasks(id) },
      args: { taskId },
      rows: deps.map((dep) => ({ dep })),
    })) as [string[], string | null, ...(string | null)[]];
    const raw: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) raw[flat[i]!] = flat[i + 1]!;
    const parse = (r: string | null) => (r ? (JSON.parse(r) as TaskRecord) : undefined);
    return [raw.state ? parseHeader(raw) : undefined, parse(own), depRecords.map(parse)];
  }

  /**
   * The outputs of done tasks of one run, by id. A done record never changes within its run, so each
   * is read once per process: the hundreds of tasks a fan-out adds all read their one source once.
   */
  async outputsOf(id: string, run: number, taskIds: readonly string[]): Promise<unknown[]> {
    const missing = taskIds.filter((t) => !this.outputs.has(`${id}.${run}.${t}`));
    if (missing.length > 0) {
      const raw = await this.redis.hmget(this.keys.tasks(id), ...missing);
      missing.forEach((taskId, i) => {
        const record = raw[i] ? (JSON.parse(raw[i]!) as TaskRecord) : undefined;
        if (record?.state === 'done') this.outputs.set(`${id}.${run}.${taskId}`, record.output);
      });
    }
    return taskIds.map((t) => this.outputs.get(`${id}.${run}.${t}`));
  }

  /** Writes a task record for `run` (grouped with concurrent writes); see TaskWriter. */
  putTask(id: string, run: number, record: TaskRecord): Promise<WriteOutcome> {
    return this.writer.put(id, run, record);
  }

  /**
   * Prepares a run: every task pending (records kept, outputs reused once they re-verify), and for
   * each task how many dependencies it waits for and who depends on it. Returns the tasks ready at once.
   */
  async arm(id: string, run: number, graph: TaskGraph, records: readonly TaskRecord[]): Promise<string[]> {
    const wait: Record<string, number> = {};
    for (const task of graph.tasks) if (task.dependsOn.length > 0) wait[task.id] = task.dependsOn.length;
    const next = Object.fromEntries([...dependantsOf(graph.tasks)].map(([k, v]) => [k, v.join(',')]));
    const multi = this.redis
      .multi()
      .del(this.keys.states(id), this.keys.wait(id, run), this.keys.next(id, run));
    if (run > 1) multi.del(this.keys.wait(id, run - 1), this.keys.next(id, run - 1));
    if (records.length > 0) {
      multi.hset(this.keys.tasks(id), Object.fromEntries(records.map((r) => [r.id, JSON.stringify(r)])));
    }
    if (Object.keys(wait).length > 0) multi.hset(this.keys.wait(id, run), wait);
    if (Object.keys(next).length > 0) multi.hset(this.keys.next(id, run), next);
    await multi.exec();
    return graph.tasks.filter((t) => t.dependsOn.length === 0).map((t) => t.id);
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
    this.headers.set(id, { at: now, header });
    header.catch(() => this.headers.delete(id));
    return header;
  }

  forget(id: string): void {
    this.headers.delete(id);
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

  /** Deletes every key of a job. */
  async remove(id: string): Promise<void> {
    const k = this.keys;
    const run = Number((await this.redis.hget(k.job(id), 'run')) ?? 0);
    const state = await this.redis.hget(k.job(id), 'state');
    await this.redis
      .multi()
      .del(
        k.job(id),
        k.tasks(id),
        k.states(id),
        k.failures(id),
        k.graph(id),
        k.expansions(id),
        k.expanded(id),
        // The roots its server recorded: nothing reads them once the job is gone.
        rootsKey(k.prefix, id),
      )
      .del(k.wait(id, run), k.next(id, run))
      .zrem(k.jobs, id)
      .zrem(`${k.jobsByState}${state ?? ''}`, id)
      .exec();
    this.graphs.forget(id);
    this.headers.delete(id);
  }
}

export { isTerminal, withPending, type JobHeader } from './job-index.js';
