import { describe, expect, it } from 'vitest';
import {
  askedReason,
  planParallelism,
  usefulThreads,
} from '../../src/pipelines/transcode/plan-parallelism.js';

const x264 = { family: 'x264' as const, device: 'cpu' as const };

describe('planParallelism', () => {
  it.each([
    // A 2-core machine: one frame-threaded x264 (3 threads a core) keeps both busy; a 10 s clip is one segment.
    {
      name: '2 cores, 10 s 540p',
      cores: 2,
      slots: 2,
      sec: 10,
      height: 540,
      conc: 1,
      threads: 6,
      held: 2,
      segSec: 10,
    },
    {
      name: '2 cores, 24 s 720p',
      cores: 2,
      slots: 2,
      sec: 24,
      height: 720,
      conc: 1,
      threads: 6,
      held: 2,
      segSec: 24,
    },
    // At 1080 rows too, one encode with every core (two at once only when segments are asked for).
    {
      name: '2 cores, 24 s 1080p',
      cores: 2,
      slots: 2,
      sec: 24,
      height: 1080,
      conc: 1,
      threads: 6,
      held: 2,
      segSec: 24,
    },
    {
      name: '4 cores, 20 s 2160p',
      cores: 4,
      slots: 4,
      sec: 20,
      height: 2160,
      conc: 1,
      threads: 12,
      held: 4,
      segSec: 20,
    },
    // A short clip: one encode.
    {
      name: '2 cores, 6 s 1080p',
      cores: 2,
      slots: 2,
      sec: 6,
      height: 1080,
      conc: 1,
      threads: 6,
      held: 2,
      segSec: 6,
    },
    // Long clips still split (for resume): one after another, none longer than 120 s.
    {
      name: '2 cores, 10 min 1080p',
      cores: 2,
      slots: 2,
      sec: 600,
      height: 1080,
      conc: 1,
      threads: 6,
      held: 2,
      segSec: 120,
    },
    {
      name: '2 cores, 8 min 1080p',
      cores: 2,
      slots: 2,
      sec: 480,
      height: 1080,
      conc: 1,
      threads: 6,
      held: 2,
      segSec: 120,
    },
    // Long clips at lower heights split too, one after another with every core.
    {
      name: '2 cores, 10 min 540p',
      cores: 2,
      slots: 2,
      sec: 600,
      height: 540,
      conc: 1,
      threads: 6,
      held: 2,
      segSec: 120,
    },
    { name: 'one core', cores: 1, slots: 1, sec: 10, height: 540, conc: 1, threads: 1, held: 1, segSec: 10 },
    // Many cores at a low height: one encode cannot use them all, so several run with a share each.
    {
      name: '32 cores, 540p',
      cores: 32,
      slots: 32,
      sec: 60,
      height: 540,
      conc: 4,
      threads: 12,
      held: 8,
      segSec: 7.5,
    },
    {
      name: '64 cores, 360p',
      cores: 64,
      slots: 64,
      sec: 60,
      height: 360,
      conc: 13,
      threads: 6,
      held: 4,
      segSec: 2.3076923076923075,
    },
    {
      name: '16 cores, 1080p',
      cores: 16,
      slots: 16,
      sec: 60,
      height: 1080,
      conc: 1,
      threads: undefined,
      held: 16,
      segSec: 60,
    },
  ])('$name', ({ cores, slots, sec, height, conc, threads, held, segSec }) => {
    const p = planParallelism({ ...x264, durationSec: sec, height, machineCores: cores, slots });
    expect(p).toMatchObject({ concurrency: conc, threads, slotsPerSegment: held, segmentSeconds: segSec });
    // Never more cores promised than the machine has.
    expect(p.concurrency * p.slotsPerSegment).toBeLessThanOrEqual(cores);
    expect(p.reason(8)).toMatch(/\S/);
  });

  it.each([
    // --workers fixes the encodes at once; the planner only shares the cores between them.
    { workers: 2, cores: 2, threads: 1 },
    { workers: 1, cores: 2, threads: undefined },
    { workers: 4, cores: 16, threads: 6 },
  ])('--workers $workers on $cores cores', ({ workers, cores, threads }) => {
    const p = planParallelism({
      ...x264,
      durationSec: 10,
      height: 360,
      machineCores: cores,
      slots: workers,
      fixedSlots: true,
    });
    expect(p).toMatchObject({ concurrency: workers, threads, slotsPerSegment: 1 });
  });

  it('runs two encodes at once at 1080 rows on a small machine only when segments are asked for', () => {
    const at1080 = { ...x264, durationSec: 24, height: 1080, machineCores: 2, slots: 2 };
    expect(planParallelism(at1080)).toMatchObject({ concurrency: 1, threads: 6 });
    expect(planParallelism({ ...at1080, askedSegments: 1 })).toMatchObject({ concurrency: 1, threads: 6 });
    expect(planParallelism({ ...at1080, askedSegments: 4 })).toMatchObject({ concurrency: 2, threads: 3 });
  });

  it('splits 1080p in two at once by default where this machine measured it faster (framefleet calibrate)', () => {
    const at1080 = { ...x264, durationSec: 24, height: 1080, machineCores: 2, slots: 2, measuredPairs: true };
    const p = planParallelism(at1080);
    expect(p).toMatchObject({ concurrency: 2, threads: 3, segmentSeconds: 12 });
    expect(p.reason(2)).toMatch(/measured faster here \(framefleet calibrate\): 2 x264 encodes at once/);
    // Asked for one segment, or not measured faster, or below 1080 rows, or too short, or 8 cores: one encode.
    expect(planParallelism({ ...at1080, askedSegments: 1 })).toMatchObject({ concurrency: 1, threads: 6 });
    expect(planParallelism({ ...at1080, measuredPairs: false })).toMatchObject({ concurrency: 1 });
    expect(planParallelism({ ...at1080, height: 720 })).toMatchObject({ concurrency: 1 });
    expect(planParallelism({ ...at1080, durationSec: 6 })).toMatchObject({ concurrency: 1 });
    expect(planParallelism({ ...at1080, machineCores: 8, slots: 8 })).toMatchObject({ concurrency: 1 });
  });

  it('with processors, the segments are the parallelism: one per slot', () => {
    const p = planParallelism({
      ...x264,
      durationSec: 20,
      height: 720,
      machineCores: 2,
      slots: 2,
      processed: true,
    });
    expect(p).toMatchObject({ concurrency: 2, threads: 1, slotsPerSegment: 1, segmentSeconds: 5 });
    expect(p.reason(4)).toBe(
      'processors: 2 segments at once, each through its processors and a single-threaded encode',
    );
    // A clip too short for more than one segment: one at once, not the slots.
    expect(p.reason(1)).toBe(
      'processors: 1 segment at once, each through its processors and a single-threaded encode',
    );
  });

  it('on a fleet, one single-threaded encode per slot', () => {
    const p = planParallelism({ ...x264, durationSec: 60, height: 1080, machineCores: undefined, slots: 12 });
    expect(p).toMatchObject({ concurrency: 12, threads: 1, slotsPerSegment: 1, segmentSeconds: 2.5 });
    expect(p.reason(24)).toMatch(/^fleet: 12 single-threaded encodes at once/);
    expect(p.reason(3)).toMatch(/^fleet: 3 single-threaded encodes at once/);
  });

  it('leaves hardware encoders and self-threading encoders as they were', () => {
    const gpu = planParallelism({
      family: 'nvenc',
      device: 'nvidia',
      durationSec: 60,
      height: 1080,
      machineCores: 2,
      slots: 2,
    });
    expect(gpu).toMatchObject({ concurrency: 2, threads: undefined, slotsPerSegment: 1, segmentSeconds: 15 });
    const av1 = planParallelism({
      family: 'svtav1',
      device: 'cpu',
      durationSec: 10,
      height: 540,
      machineCores: 2,
      slots: 2,
    });
    expect(av1).toMatchObject({ threads: undefined, slotsPerSegment: 1 });
  });

  it('says no more encodes at once than the job has segments', () => {
    // A 2 s clip at 120 rows on 2 cores: two encodes fit, but the clip is one segment.
    const small = planParallelism({ ...x264, durationSec: 2, height: 120, machineCores: 2, slots: 2 });
    expect(small.concurrency).toBe(2);
    expect(small.reason(1)).toBe(
      '2 cores, one x264 encode keeps 1 busy at 120 rows: 1 encode at once with 1 cores each',
    );
    expect(small.reason(3)).toMatch(/: 2 encodes at once/);
    const gpu = planParallelism({
      family: 'nvenc',
      device: 'nvidia',
      durationSec: 2,
      height: 1080,
      machineCores: 2,
      slots: 4,
    });
    expect(gpu.reason(1)).toBe('hardware encoder: segments encode in 1 session at once');
    const workers = planParallelism({
      ...x264,
      durationSec: 2,
      height: 720,
      machineCores: 8,
      slots: 4,
      fixedSlots: true,
    });
    expect(workers.reason(2)).toBe('--workers 4: 2 encodes at once with 2 of 8 cores each');
  });

  it('gives a frame-threaded encoder more useful threads the taller the frame', () => {
    expect([144, 360, 540, 1080, 2160].map((h) => usefulThreads('x264', h))).toEqual([2, 5, 8, 16, 33]);
    expect(usefulThreads('nvenc', 1080)).toBe(1);
  });
});

describe('askedReason', () => {
  it('says what the user fixed and only what the planner still chose', () => {
    expect(askedReason('--segments 4', { concurrency: 1, threads: 6 }, 4)).toBe(
      '--segments 4 as asked: 1 at once, 6 encoder threads each',
    );
    expect(askedReason('--segment-seconds 2', { concurrency: 2, threads: 1 }, 5)).toBe(
      '--segment-seconds 2 as asked: 2 at once, 1 encoder thread each',
    );
    // Never more at once than the segments: 3 of 4 slots.
    expect(askedReason('--segments 3', { concurrency: 4, threads: undefined }, 3)).toBe(
      "--segments 3 as asked: 3 at once, the encoder's own threads each",
    );
  });
});
