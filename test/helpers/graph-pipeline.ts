import { existsSync } from 'node:fs';
import { FramefleetError } from '../../src/errors.js';
import type { Executor, Pipeline, TaskSpec } from '../../src/engine/types.js';

/**
 * A job type for engine tests: small graphs of tasks that add numbers, so a result proves every
 * input arrived, with shapes trees cannot express (a diamond), a task that adds tasks to its job
 * when it runs, a task that fails for good in the middle, and slow tasks for cancel and kill.
 */
export interface GraphSpec {
  shape: 'diamond' | 'expand' | 'fail-middle';
  nonce: string;
  /** How many tasks the expanding task adds (besides the join). */
  fanOut?: number;
  /** How long the expanding task takes. */
  expandMs?: number;
  /** How long each added task takes. */
  childMs?: number;
  /** The failing task fails while this file exists. */
  failWhile?: string;
}

interface ValuePayload {
  v: number;
  ms?: number;
  failWhile?: string;
  fanOut?: number;
  childMs?: number;
}

/**
 * The graph pipeline as "newer code" plans it: a planner name of its own and, for the
 * fail-middle shape, another value on the side task. Tests set and reset it.
 */
export const graphUpgrade: {
  active: boolean;
  /** While set, planning waits for it (after saying so through `planning`). */
  gate?: Promise<void>;
  planning?: () => void;
} = { active: false };

/** Runs per `${nonce}/${taskId}` in this process: proof of what ran how often. */
export const graphRuns = new Map<string, number>();

const task = (id: string, kind: string, payload: ValuePayload, dependsOn: string[] = []): TaskSpec => ({
  id,
  kind,
  payload,
  requires: {},
  dependsOn,
  weight: 1,
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/** Its own number plus every input's: the root's value proves which outputs reached whom. */
const value: Executor<ValuePayload, { v: number }> = async (p, ctx) => {
  const key = `${(ctx.spec as GraphSpec).nonce}/${ctx.taskId}`;
  graphRuns.set(key, (graphRuns.get(key) ?? 0) + 1);
  if (p.ms) await sleep(p.ms, ctx.signal);
  if (p.failWhile && existsSync(p.failWhile)) {
    throw new FramefleetError('INPUT_CORRUPT', `task ${ctx.taskId} refuses while ${p.failWhile} exists`);
  }
  const inputs = Object.values(ctx.inputs) as { v: number }[];
  return { v: p.v + inputs.reduce((sum, o) => sum + o.v, 0) };
};

/** A value task that also adds `fanOut` tasks after itself and a join of them all (the new root). */
const expand: Executor<ValuePayload, { v: number }> = async (p, ctx) => {
  const out = await value(p, ctx);
  const children = Array.from({ length: p.fanOut ?? 3 }, (_, i) =>
    task(`child-${i}`, 'g.value', { v: i, ms: p.childMs ?? 0 }, [ctx.taskId]),
  );
  ctx.expand({
    tasks: [...children, task('join', 'g.value', { v: 0 }, [...children.map((c) => c.id), 'src'])],
    root: 'join',
  });
  return out;
};

export const graphPipeline: Pipeline<GraphSpec> = {
  type: 'graph-test',
  get planner() {
    return graphUpgrade.active ? 'graph-test v2' : 'graph-test v1';
  },
  parseSpec: (input) => input as GraphSpec,
  plan: async (spec) => {
    if (graphUpgrade.gate) {
      graphUpgrade.planning?.();
      await graphUpgrade.gate;
    }
    if (spec.shape === 'diamond') {
      return {
        rootTaskId: 'd',
        tasks: [
          task('a', 'g.value', { v: 1 }),
          task('b', 'g.value', { v: 2 }, ['a']),
          task('c', 'g.value', { v: 3 }, ['a']),
          task('d', 'g.value', { v: 4 }, ['b', 'c']),
        ],
      };
    }
    if (spec.shape === 'expand') {
      return {
        rootTaskId: 'gen',
        tasks: [
          task('src', 'g.value', { v: 100 }),
          task(
            'gen',
            'g.expand',
            { v: 1000, ms: spec.expandMs ?? 0, fanOut: spec.fanOut, childMs: spec.childMs },
            ['src'],
          ),
        ],
      };
    }
    return {
      rootTaskId: 'end',
      tasks: [
        task('start', 'g.value', { v: 1 }),
        task('middle', 'g.value', { v: 2, failWhile: spec.failWhile }, ['start']),
        task('side', 'g.value', { v: graphUpgrade.active ? 30 : 3, ms: 300 }, ['start']),
        task('end', 'g.value', { v: 4 }, ['middle', 'side']),
      ],
    };
  },
  executors: { 'g.value': value as Executor, 'g.expand': expand as Executor },
  // A recorded output is good as long as it is there: lets a retry show what it reused.
  verifiers: {
    'g.value': async (_p, out) => typeof (out as { v?: unknown } | undefined)?.v === 'number',
    'g.expand': async (_p, out) => typeof (out as { v?: unknown } | undefined)?.v === 'number',
  },
};

/** The value the expand shape's join must reach: src (100) + gen (1000 + src) + children + src. */
export function expandResult(fanOut: number): number {
  const src = 100;
  const gen = 1000 + src;
  const children = Array.from({ length: fanOut }, (_, i) => i + gen).reduce((a, b) => a + b, 0);
  return children + src;
}
