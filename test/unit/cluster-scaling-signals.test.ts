import { describe, expect, it } from 'vitest';
import { ScalingSignals } from '../../src/cluster/scaling-signals.js';
import type { PoolStats } from '../../src/engine/types.js';

const stats = (pool: string, waiting: number, oldestWaitingSec: number, active = 0): PoolStats => ({
  pool,
  waiting,
  active,
  delayed: 0,
  finishedLastHour: 0,
  failedLastHour: 0,
  oldestWaitingSec,
});
const done = (pool: string, seconds: number) =>
  ({ type: 'task', jobId: 'j', taskId: 't', kind: 'k', state: 'done', seconds, pool }) as const;

describe('ScalingSignals', () => {
  it('learns seconds per task per queue from finished runs (EWMA) and prices the backlog with it', () => {
    const s = new ScalingSignals({ alpha: 0.5, defaultTaskSeconds: 30 });
    expect(s.signals([stats('ff.nvidia', 4, 0)], 0)['ff.nvidia']!.backlogSeconds).toBe(120);
    s.observe(done('ff.nvidia', 10));
    s.observe(done('ff.nvidia', 20));
    s.observe({ type: 'task', jobId: 'j', taskId: 't', kind: 'k', state: 'done', reused: true }); // no time: ignored
    s.observe(done('ff.cpu', 99));
    expect(s.secondsPerTask('ff.nvidia')).toBe(15);
    expect(s.signals([stats('ff.nvidia', 4, 0, 2)], 0)['ff.nvidia']).toMatchObject({
      backlogSeconds: 60,
      waiting: 4,
      active: 2,
    });
  });

  it('takes the wait p95 over the oldest-wait samples of the window', () => {
    const s = new ScalingSignals({ windowMs: 60_000 });
    for (let i = 0; i < 19; i++) s.signals([stats('ff.cpu', 1, 5)], i * 1000);
    const now = s.signals([stats('ff.cpu', 1, 50)], 19_000)['ff.cpu']!;
    expect(now.waitP95Sec).toBe(5); // one high sample in 20 is the top 5%
    expect(now.oldestWaitSec).toBe(50);
    expect(s.signals([stats('ff.cpu', 1, 60)], 20_000)['ff.cpu']!.waitP95Sec).toBe(50);
    // Samples older than the window are forgotten.
    expect(s.signals([stats('ff.cpu', 0, 0)], 200_000)['ff.cpu']!.waitP95Sec).toBe(0);
  });
});
