import { describe, expect, it } from 'vitest';
import {
  applyExpansion,
  effectiveGraph,
  MAX_TASKS_PER_EXPANSION,
  readyTasks,
  topologicalOrder,
  unchangedTasks,
  validateGraph,
} from '../../src/engine/graph.js';
import { endRun, usageOf, withRun } from '../../src/engine/lifecycle.js';
import { taskRecordFor } from '../../src/engine/job-record.js';
import type { TaskGraph, TaskSpec, TaskState } from '../../src/engine/types.js';

const t = (id: string, dependsOn: string[] = [], priority?: number): TaskSpec => ({
  id,
  kind: 'k',
  payload: {},
  requires: {},
  dependsOn,
  weight: 1,
  ...(priority === undefined ? {} : { priority }),
});

/** a -> b, a -> c, b+c -> d: the shape trees cannot express. */
const diamond: TaskGraph = {
  rootTaskId: 'd',
  tasks: [t('a'), t('b', ['a']), t('c', ['a']), t('d', ['b', 'c'])],
};

describe('validateGraph', () => {
  it('accepts a diamond and a fan-out with a join', () => {
    expect(validateGraph(diamond)).toBe(diamond);
    const fan = {
      rootTaskId: 'join',
      tasks: [...['x', 'y', 'z'].map((id) => t(id)), t('join', ['x', 'y', 'z'])],
    };
    expect(validateGraph(fan)).toBe(fan);
  });

  it.each<[string, TaskGraph, RegExp]>([
    ['empty', { rootTaskId: 'a', tasks: [] }, /has no tasks/],
    ['duplicate id', { rootTaskId: 'a', tasks: [t('a'), t('a')] }, /task id `a` appears twice/],
    [
      'unknown dependency',
      { rootTaskId: 'a', tasks: [t('a', ['ghost'])] },
      /depends on unknown task `ghost`/,
    ],
    ['self dependency', { rootTaskId: 'a', tasks: [t('a', ['a'])] }, /lists `a` wrongly/],
    ['repeated dependency', { rootTaskId: 'b', tasks: [t('a'), t('b', ['a', 'a'])] }, /lists `a` wrongly/],
    [
      'cycle',
      { rootTaskId: 'c', tasks: [t('a', ['c']), t('b', ['a']), t('c', ['b'])] },
      /has a cycle through task `a`/,
    ],
    ['missing root', { rootTaskId: 'r', tasks: [t('a')] }, /root task `r` is not in the graph/],
    [
      'task the root never needs',
      { rootTaskId: 'b', tasks: [t('a'), t('b'), t('c', ['a'])] },
      /task `a` is not needed by the root `b`/,
    ],
    ['id with a colon', { rootTaskId: 'a:b', tasks: [t('a:b')] }, /task id `a:b` is not a plain name/],
    ['id with a space', { rootTaskId: 'a b', tasks: [t('a b')] }, /is not a plain name/],
  ])('refuses %s', (_name, graph, message) => {
    expect(() => validateGraph(graph)).toThrow(message);
    try {
      validateGraph(graph);
    } catch (error) {
      expect((error as { code: string }).code).toBe('INVALID_GRAPH');
    }
  });

  it('orders tasks after their dependencies', () => {
    const order = topologicalOrder(diamond.tasks).map((x) => x.id);
    expect(order[0]).toBe('a');
    expect(order[3]).toBe('d');
  });
});

describe('expansion', () => {
  // A montage before its edit list exists: analyses, then an edit list that is the root for now.
  const montage: TaskGraph = {
    rootTaskId: 'edl',
    tasks: [t('clip-0'), t('clip-1'), t('music'), t('edl', ['clip-0', 'clip-1', 'music'])],
  };
  const renders = {
    tasks: [
      t('render-0', ['edl']),
      t('render-1', ['edl', 'clip-1']),
      t('stitch', ['render-0', 'render-1', 'music']),
    ],
    root: 'stitch',
  };

  it('adds tasks that depend on existing ones and each other, and moves the root', () => {
    const grown = applyExpansion(montage, 'edl', renders);
    expect(grown.rootTaskId).toBe('stitch');
    expect(grown.tasks.map((x) => x.id)).toEqual([
      'clip-0',
      'clip-1',
      'music',
      'edl',
      'render-0',
      'render-1',
      'stitch',
    ]);
    expect(montage.tasks).toHaveLength(4);
  });

  it('replays stored expansions in order', () => {
    const more = { tasks: [t('thumbs', ['stitch']), t('done', ['thumbs'])], root: 'done' };
    const grown = effectiveGraph(montage, [
      { by: 'edl', ...renders },
      { by: 'stitch', ...more },
    ]);
    expect(grown.rootTaskId).toBe('done');
    expect(grown.tasks).toHaveLength(9);
  });

  it.each<[string, string, { tasks: TaskSpec[]; root?: string }, RegExp]>([
    ['an unknown expanding task', 'ghost', renders, /expanding task `ghost` is not in the graph/],
    ['an id that exists', 'edl', { tasks: [t('music')] }, /adds task `music`, which exists already/],
    ['a dependency nobody has', 'edl', { tasks: [t('x', ['nope'])], root: 'x' }, /unknown task `nope`/],
    [
      'new tasks the root never needs',
      'edl',
      { tasks: [t('orphan', ['edl'])] },
      /task `orphan` is not needed by the root/,
    ],
    ['a cycle among new tasks', 'edl', { tasks: [t('p', ['q']), t('q', ['p', 'edl'])], root: 'q' }, /cycle/],
    ['a root that does not exist', 'edl', { tasks: [t('r', ['edl'])], root: 'nope' }, /root task `nope`/],
  ])('refuses %s', (_name, by, expansion, message) => {
    expect(() => applyExpansion(montage, by, expansion)).toThrow(message);
  });

  it('caps what one expansion may add', () => {
    const many = Array.from({ length: MAX_TASKS_PER_EXPANSION + 1 }, (_, i) => t(`r${i}`, ['edl']));
    expect(() =>
      applyExpansion(montage, 'edl', {
        tasks: [
          ...many,
          t(
            's',
            many.map((x) => x.id),
          ),
        ],
        root: 's',
      }),
    ).toThrow(/more than the limit of 2000/);
  });
});

describe('unchangedTasks (a stored plan against a fresh one)', () => {
  it('keeps what is planned the same, and nothing that depends on a change', () => {
    const next: TaskGraph = {
      rootTaskId: 'd',
      tasks: [t('a'), { ...t('b', ['a']), payload: { q: 2 } }, t('c', ['a']), t('d', ['b', 'c'])],
    };
    expect([...unchangedTasks(diamond, next)].sort()).toEqual(['a', 'c']);
    expect([...unchangedTasks(diamond, diamond)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(unchangedTasks(undefined, diamond).size).toBe(0);
  });

  it('does not keep a task that grew the job: its expansion went with the old plan', () => {
    expect([...unchangedTasks(diamond, diamond, ['c'])].sort()).toEqual(['a', 'b']);
  });
});

describe('readiness', () => {
  const states = (entries: Record<string, TaskState>) => (id: string) => entries[id];

  it.each<[string, Record<string, TaskState>, string[]]>([
    ['only the source at first', {}, ['a']],
    ['both branches once the source is done', { a: 'done' }, ['b', 'c']],
    ['not the join while one branch runs', { a: 'done', b: 'done', c: 'running' }, []],
    ['the join once both are done', { a: 'done', b: 'done', c: 'done' }, ['d']],
    ['nothing that failed or runs', { a: 'done', b: 'failed', c: 'running' }, []],
  ])('%s', (_name, entries, ready) => {
    expect(readyTasks(diamond, states(entries)).map((x) => x.id)).toEqual(ready);
  });

  it('puts higher-priority tasks first', () => {
    const graph = {
      rootTaskId: 's',
      tasks: [t('seg-0'), t('seg-1'), t('audio', [], 1), t('s', ['seg-0', 'seg-1', 'audio'])],
    };
    expect(readyTasks(graph, () => undefined).map((x) => x.id)).toEqual(['audio', 'seg-0', 'seg-1']);
  });
});

describe('runs and usage', () => {
  it('keeps every run, marks a run a dead worker left as lost, and sums worker-seconds by pool', () => {
    let record = taskRecordFor(t('a'));
    record = withRun(record, {
      attempt: 1,
      worker: 'w1',
      pool: 'ff.nvidia',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: undefined,
      outcome: 'running',
    });
    record = withRun(record, {
      attempt: 2,
      worker: 'w2',
      pool: 'ff.cpu',
      startedAt: '2026-01-01T00:00:10.000Z',
      finishedAt: undefined,
      outcome: 'running',
    });
    endRun(record, 'done', '2026-01-01T00:00:14.500Z');
    expect(record.runs.map((r) => [r.worker, r.outcome])).toEqual([
      ['w1', 'lost'],
      ['w2', 'done'],
    ]);
    const reused = withRun(taskRecordFor(t('b')), {
      attempt: 1,
      worker: 'w3',
      pool: 'ff.cpu',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: undefined,
      outcome: 'running',
    });
    endRun(reused, 'reused', '2026-01-01T00:00:01.000Z');
    expect(usageOf([record, reused])).toEqual({ 'ff.nvidia': 10, 'ff.cpu': 4.5 });
  });
});
