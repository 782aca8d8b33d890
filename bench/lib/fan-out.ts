import type { TaskGraph, TaskSpec } from '../../src/engine/types.js';

/**
 * `count` independent tasks of `kind` gathered by one root of `rootKind`: a transcode's fan-out
 * without media. The benchmarks and the fleet tests plan their no-op jobs with it.
 */
export function fanOutGraph(
  count: number,
  kind: string,
  payload: (index: number) => unknown,
  rootKind: string,
): TaskGraph {
  const tasks: TaskSpec[] = Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    kind,
    payload: payload(i),
    requires: {},
    dependsOn: [],
    weight: 1,
  }));
  const root: TaskSpec = {
    id: 'root',
    kind: rootKind,
    payload: {},
    requires: {},
    dependsOn: tasks.map((t) => t.id),
    weight: 1,
  };
  return { tasks: [...tasks, root], rootTaskId: 'root' };
}
