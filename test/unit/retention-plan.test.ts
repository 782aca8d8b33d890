import { describe, expect, it } from 'vitest';
import { DAY_MS, planSweep, stringsIn, type JobFacts } from '../../src/storage/retention.js';

const NOW = Date.UTC(2026, 11, 1);
const POLICY = { tempDays: 1, intermediateDays: 7, jobDays: 30 };
const obj = (key: string, days: number, size = 10) => ({ key, size, mtimeMs: NOW - days * DAY_MS });
const job = (id: string, live: boolean, days: number, strings: string[] = []): JobFacts => ({
  id,
  live,
  updatedAtMs: NOW - days * DAY_MS,
  strings,
});

describe('planSweep (defaults: temp 1 day, intermediates 7, job records 30, outputs never)', () => {
  it.each([
    ['a crashed attempt folder after a day', [obj('tmp/seg-1-ab/x.mkv', 1.5)], [], ['tmp/seg-1-ab/']],
    ['not a fresh one', [obj('tmp/seg-1-ab/x.mkv', 0.5)], [], []],
    [
      'a finished job’s segments after 7 days',
      [obj('scratch/j1/s0.mkv', 8)],
      [job('j1', false, 8)],
      ['scratch/j1/'],
    ],
    [
      'not while one file of the job is younger',
      [obj('scratch/j1/s0.mkv', 9), obj('scratch/j1/s1.mkv', 2)],
      [job('j1', false, 2)],
      [],
    ],
    ['never a live job’s, at any age', [obj('scratch/j2/s0.mkv', 400)], [job('j2', true, 400)], []],
    ['a forgotten job’s (no record)', [obj('scratch/gone/s0.mkv', 8)], [], ['scratch/gone/']],
    [
      'outputs and unknown keys never',
      [obj('outputs/final.mp4', 4000), obj('jobs/j1/manifest.json', 4000), obj('readme', 4000)],
      [],
      [],
    ],
  ])('%s', (_name, objects, jobs, prefixes) => {
    expect(planSweep(objects, jobs, POLICY, NOW).prefixes.map((p) => p.prefix)).toEqual(prefixes);
  });

  it('uploads go after 7 days unless a live job’s spec names them (as a key, a path or a URL)', () => {
    const objects = [
      obj('uploads/a/in.mp4', 8),
      obj('uploads/b/in.mp4', 8),
      obj('uploads/c/in.mp4', 8),
      obj('uploads/d/in.mp4', 3),
    ];
    const jobs = [
      job(
        'live',
        true,
        1,
        stringsIn({ input: 's3://bucket/p/uploads/b/in.mp4', nested: [{ x: 'uploads/c/in.mp4' }] }),
      ),
      job('old', false, 40, ['uploads/a/in.mp4']),
    ];
    const plan = planSweep(objects, jobs, POLICY, NOW);
    expect(plan.keys.map((k) => k.key)).toEqual(['uploads/a/in.mp4']);
    expect(plan.keptForLiveJobs).toEqual(['uploads/b/in.mp4', 'uploads/c/in.mp4']);
    expect(plan.jobs).toEqual(['old']);
  });

  it('removes records of finished jobs after 30 days, never of live ones', () => {
    const jobs = [job('done-31', false, 31), job('done-29', false, 29), job('live-400', true, 400)];
    expect(planSweep([], jobs, POLICY, NOW).jobs).toEqual(['done-31']);
  });

  it('follows a configured policy', () => {
    const plan = planSweep(
      [obj('tmp/a/x', 0.2), obj('scratch/j/x', 0.2)],
      [],
      { ...POLICY, tempDays: 0.1, intermediateDays: 0.1 },
      NOW,
    );
    expect(plan.prefixes.map((p) => [p.prefix, p.class])).toEqual([
      ['tmp/a/', 'temp'],
      ['scratch/j/', 'intermediate'],
    ]);
  });
});
