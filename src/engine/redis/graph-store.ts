import type { Redis } from 'ioredis';
import { BoundedMap } from '../bounded-map.js';
import { applyExpansion, effectiveGraph, type StoredExpansion } from '../graph.js';
import type { InputStamp } from '../input-stamps.js';
import type { Expansion, TaskGraph, TaskSpec } from '../types.js';
import type { RedisKeys } from './keys.js';
import { EXPAND, runScript, STORE_PLAN } from './scripts.js';

/** A job's graph as this process last read it: the planned text, the expansions applied, an index. */
interface CachedGraph {
  raw: string;
  expansions: number;
  graph: TaskGraph;
  byId: Map<string, TaskSpec>;
  /** Tasks whose expansion is part of `graph`. */
  expandedBy: Set<string>;
  /** The latest run a task was looked up for since this text was read (see `task`). */
  run: number;
}

/** The job header's field naming the planner code that planned its stored graph. */
const PLANNED_BY = 'plannedBy';
/** The job header's field with the stamps of the local input files its graph was planned on. */
const INPUTS = 'inputs';

/** What storing an expansion did: added (with tasks ready at once), already there, or refused. */
export type ExpandOutcome = { added: true; ready: string[] } | { added: false; stale: boolean };

/**
 * Job graphs in Redis: the planned graph as one string, and the expansions tasks made since as a
 * list in the order they landed. Each process keeps the graphs it read (a graph only ever grows: a
 * task it does not know yet means an expansion it has not read).
 */
export class GraphStore {
  private readonly cache = new BoundedMap<string, CachedGraph>(64);
  /** Input stamps by job and run (`inputsOfRun`): read once a run, not once a task. */
  private readonly stamps = new BoundedMap<string, InputStamp[] | null>(64);

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The job's graph with its expansions; undefined before it is planned. */
  async graph(id: string): Promise<TaskGraph | undefined> {
    return (await this.read(id))?.graph;
  }

  /**
   * One task of a job's graph in run `run`, reading expansions again when the task is not known
   * here yet, and the graph again at the first lookup of a later run: a run's plan step may have
   * planned it anew (after an upgrade) with other arguments under the same task ids.
   */
  async task(
    id: string,
    taskId: string,
    run: number,
  ): Promise<{ graph: TaskGraph; task: TaskSpec } | undefined> {
    let cached = this.cache.get(id);
    if (!cached?.byId.has(taskId) || cached.run < run) cached = await this.read(id);
    if (cached && cached.run < run) cached.run = run;
    const task = cached?.byId.get(taskId);
    return cached && task ? { graph: cached.graph, task } : undefined;
  }

  /**
   * Stores a newly planned graph (the job's expansions start again empty) and the planner code
   * that made it, in the job's header (a field older workers do not read). With `guard`, only
   * while that run is current and the job not finished, dropping the records of `guard.drop` in
   * the same step, and with `guard.inputs` the stamps of the files it was planned on (without, the
   * stamps stored stay: a plan made again keeps records made from those files); false where the
   * run was no longer current.
   */
  async plan(
    id: string,
    graph: TaskGraph,
    plannedBy: string | undefined,
    guard?: { run: number; drop?: readonly string[]; inputs?: readonly InputStamp[] },
  ): Promise<boolean> {
    const raw = JSON.stringify(graph);
    if (guard) {
      const stored = await runScript(this.redis, STORE_PLAN, {
        keys: {
          job: this.keys.job(id),
          graph: this.keys.graph(id),
          expansions: this.keys.expansions(id),
          expanded: this.keys.expanded(id),
          tasks: this.keys.tasks(id),
        },
        args: {
          run: guard.run,
          graph: raw,
          plannedBy: plannedBy ?? '',
          inputs: guard.inputs ? JSON.stringify(guard.inputs) : '',
        },
        rows: (guard.drop ?? []).map((taskId) => ({ taskId })),
      });
      if (stored !== 1) return false;
    } else {
      await this.redis
        .multi()
        .set(this.keys.graph(id), raw)
        .hset(this.keys.job(id), PLANNED_BY, plannedBy ?? '')
        .del(this.keys.expansions(id), this.keys.expanded(id))
        .exec();
    }
    this.remember(id, raw, 0, graph, []);
    return true;
  }

  /** The graph as planned (without expansions), the tasks that grew it, and who planned it. */
  async stored(
    id: string,
  ): Promise<
    { planned: TaskGraph; expandedBy: ReadonlySet<string>; plannedBy: string | undefined } | undefined
  > {
    const [cached, plannedBy] = await Promise.all([
      this.read(id),
      this.redis.hget(this.keys.job(id), PLANNED_BY),
    ]);
    if (!cached) return undefined;
    return {
      planned: JSON.parse(cached.raw) as TaskGraph,
      expandedBy: cached.expandedBy,
      plannedBy: plannedBy || undefined,
    };
  }

  /**
   * The stamps of the local input files the stored graph was planned on: what a retry checks
   * before it runs the job again. Undefined for a job planned before stamps were kept.
   */
  async inputs(id: string): Promise<InputStamp[] | undefined> {
    const raw = await this.redis.hget(this.keys.job(id), INPUTS);
    return raw ? (JSON.parse(raw) as InputStamp[]) : undefined;
  }

  /**
   * `inputs` as a task of run `run` checks them: the stamps are stored with a fresh plan, before any
   * task of its run is queued, so this process reads them once a run.
   */
  async inputsOfRun(id: string, run: number): Promise<InputStamp[] | undefined> {
    const key = `${id}\u0000${run}`;
    let stamps = this.stamps.get(key);
    if (stamps === undefined) {
      stamps = (await this.inputs(id)) ?? null;
      this.stamps.set(key, stamps);
    }
    return stamps ?? undefined;
  }

  /** Records that the planner `plannedBy` plans the stored graph exactly so. */
  async confirm(id: string, plannedBy: string | undefined): Promise<void> {
    await this.redis.hset(this.keys.job(id), PLANNED_BY, plannedBy ?? '');
  }

  /**
   * Stores the expansion `by` made in `run`, once, with the readiness of its new tasks. Validates it
   * against the graph as stored; when another expansion lands in between, reads and validates again.
   */
  async expand(id: string, run: number, by: string, expansion: Expansion): Promise<ExpandOutcome> {
    for (;;) {
      const cached = await this.read(id);
      if (!cached) return { added: false, stale: true };
      // A re-run of a task whose expansion landed adds nothing (and the graph already has its tasks).
      if (cached.expandedBy.has(by)) return { added: false, stale: false };
      applyExpansion(cached.graph, by, expansion);
      const stored: StoredExpansion = { by, ...expansion };
      const result = (await runScript(this.redis, EXPAND, {
        keys: {
          job: this.keys.job(id),
          states: this.keys.states(id),
          wait: this.keys.wait(id, run),
          next: this.keys.next(id, run),
          expansions: this.keys.expansions(id),
          expanded: this.keys.expanded(id),
        },
        args: { run, by, expansion: JSON.stringify(stored), expected: cached.expansions },
        rows: expansion.tasks.map((t) => ({ taskId: t.id, deps: t.dependsOn.join(',') })),
      })) as [number, ...string[]];
      const [status, ...ready] = result;
      if (status === 1) return { added: true, ready };
      if (status !== -2) return { added: false, stale: status === -1 };
    }
  }

  /** Reads the graph text and whatever expansions landed since this process last read them. */
  private async read(id: string): Promise<CachedGraph | undefined> {
    const cached = this.cache.get(id);
    const from = cached?.expansions ?? 0;
    const [[, raw], [, added]] = (await this.redis
      .multi()
      .get(this.keys.graph(id))
      .lrange(this.keys.expansions(id), from, -1)
      .exec()) as [[unknown, string | null], [unknown, string[]]];
    if (!raw) return undefined;
    if (cached && cached.raw === raw) {
      if (added.length === 0) return cached;
      const expansions = added.map((e) => JSON.parse(e) as StoredExpansion);
      const by = [...cached.expandedBy, ...expansions.map((e) => e.by)];
      return this.remember(id, raw, from + added.length, effectiveGraph(cached.graph, expansions), by);
    }
    // A new plan (or a first read): everything from the start.
    const all = cached ? await this.redis.lrange(this.keys.expansions(id), 0, -1) : added;
    const base = JSON.parse(raw) as TaskGraph;
    const stored = all.map((e) => JSON.parse(e) as StoredExpansion);
    return this.remember(
      id,
      raw,
      all.length,
      effectiveGraph(base, stored),
      stored.map((e) => e.by),
    );
  }

  private remember(
    id: string,
    raw: string,
    expansions: number,
    graph: TaskGraph,
    expandedBy: readonly string[],
  ): CachedGraph {
    const entry = {
      raw,
      expansions,
      graph,
      byId: new Map(graph.tasks.map((t) => [t.id, t])),
      expandedBy: new Set(expandedBy),
      // The same text read further keeps the run it was checked for; a new one starts again.
      run: this.cache.get(id)?.raw === raw ? this.cache.get(id)!.run : 0,
    };
    this.cache.set(id, entry);
    return entry;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}
