import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analysisSummary } from '../../src/cli/analysis-summary.js';
import { plural } from '../../src/cli/common.js';
import { verificationLine } from '../../src/cli/job-report.js';
import { skippedLine } from '../../src/cli/montage-run.js';
import { ProgressPrinter } from '../../src/cli/progress.js';
import { runStats } from '../../src/cli/run-stats.js';
import type { TaskRecord } from '../../src/engine/types.js';
import { taskRecordFor } from '../../src/engine/job-record.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function segment(id: string, frames: number, from: number, to: number, extra: Partial<TaskRecord> = {}) {
  return {
    ...taskRecordFor({
      id,
      kind: 'transcode.segment',
      payload: {},
      requires: {},
      dependsOn: [],
      weight: frames,
    }),
    state: 'done' as const,
    startedAt: at(from),
    finishedAt: at(to),
    worker: 'host:1',
    ...extra,
  };
}

describe('runStats', () => {
  it.each([
    {
      name: 'two slots, four segments',
      tasks: [
        segment('a', 100, 0, 2),
        segment('b', 100, 0, 2),
        segment('c', 100, 2, 4),
        segment('d', 100, 2, 4),
      ],
      peak: 2,
      frames: 400,
      fps: 100,
    },
    {
      // An end and a start at the same instant hand the slot over: still one at a time.
      name: 'one slot, back to back',
      tasks: [segment('a', 60, 0, 1), segment('b', 60, 1, 2), segment('c', 60, 2, 3)],
      peak: 1,
      frames: 180,
      fps: 60,
    },
    {
      name: 'reused segments encode nothing',
      tasks: [segment('a', 90, 0, 3), segment('b', 90, 3, 3.1, { reused: true })],
      peak: 1,
      frames: 90,
      fps: 30,
    },
    {
      // A render task's weight counts a crossfade's 15 frames twice; the output has its own 285.
      name: 'render runs count the frames they put in the output',
      tasks: [
        segment('a', 300, 0, 3, { kind: 'render.scene', output: { frames: 285 } }),
        segment('b', 30, 3, 4, { kind: 'render.scene', output: { frames: 30 } }),
      ],
      peak: 1,
      frames: 315,
      fps: 78.75,
    },
    {
      name: 'a fully reused job',
      tasks: [segment('a', 90, 0, 0.1, { reused: true }), segment('b', 90, 0, 0.1, { reused: true })],
      peak: 0,
      frames: 0,
      fps: undefined,
    },
  ])('$name', ({ tasks, peak, frames, fps }) => {
    const stats = runStats(tasks);
    expect(stats.peakParallel).toBe(peak);
    expect(stats.encodedFrames).toBe(frames);
    expect(stats.fps).toBe(fps);
    expect(stats.segments).toBe(tasks.length);
  });
});

describe('ProgressPrinter', () => {
  function printer() {
    let now = T0;
    let text = '';
    const out = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
    const p = new ProgressPrinter('lines', out, () => now);
    return { p, tick: (s: number) => (now += s * 1000), lines: () => text.trim().split('\n') };
  }
  const task = (taskId: string, state: TaskRecord['state'], reused?: boolean) =>
    ({ type: 'task', jobId: 'j', taskId, kind: 'transcode.segment', state, reused }) as const;

  it('shows the encode rate over the run and how many encodes run now, not summed momentary rates', () => {
    const { p, tick, lines } = printer();
    p.setTasks([segment('a', 300, 0, 0), segment('b', 300, 0, 0), segment('c', 300, 0, 0)]);
    p.handle(task('a', 'running'));
    p.handle(task('b', 'running'));
    tick(2);
    // Each encode reports 100 fps right now; together they did 300 frames in 2 s.
    p.handle({ type: 'task-progress', jobId: 'j', taskId: 'a', progress: 0.5, fps: 100 });
    p.handle({ type: 'task-progress', jobId: 'j', taskId: 'b', progress: 0.5, fps: 100 });
    p.handle({ type: 'progress', jobId: 'j', progress: 1 / 3, fps: 200, etaSec: 4 });
    tick(1);
    p.handle(task('a', 'done', false));
    expect(lines().at(-1)).toMatch(/33\.3%\s+segments 1\/3\s+1 encoding\s+150 fps\s+ETA 4\.0s/);
  });

  it('prints no 0/0 line for a job whose output still verified', () => {
    const { p, lines } = printer();
    p.handle({ type: 'job', jobId: 'j', state: 'running' });
    p.finish({ state: 'done' } as never);
    expect(lines()).toEqual(['']);
  });
});

describe('analysisSummary', () => {
  it.each([
    {
      result: {
        kind: 'beats',
        source: { path: 'song.wav' },
        tempo: 120,
        beats: [0.5, 1, 1.5],
        downbeats: [],
        beatsPerBar: null,
        durationSec: 2,
        silent: false,
      },
      text: 'song.wav: 120.0 BPM, 3 beats in 2.0 s\nbeats at 0.50s 1.00s 1.50s',
    },
    {
      result: {
        kind: 'beats',
        source: { path: 'medley.wav' },
        tempo: 130,
        beats: [0.5, 1.1, 1.7, 2.16, 2.62],
        downbeats: [0.5, 2.16],
        beatsPerBar: 4,
        tempoChanges: [
          { at: 0, tempo: 100 },
          { at: 1.94, tempo: 130 },
        ],
        durationSec: 3,
        silent: false,
        level: 'a chord change every 4 beats',
        confidence: 0.814,
      },
      text:
        'medley.wav: 130.0 BPM, 5 beats in 3.0 s\nbeats at 0.50s 1.10s 1.70s 2.16s 2.62s\n' +
        '4 beats a bar, bars at 0.50s 2.16s\ntempo changes: 100.0 BPM from 0.00s, 130.0 BPM from 1.94s\n' +
        'level: a chord change every 4 beats; confidence 0.81',
    },
    {
      result: {
        kind: 'beats',
        source: { path: 'quiet.wav' },
        tempo: null,
        beats: [],
        durationSec: 3,
        silent: true,
        message: 'silent track',
      },
      text: 'quiet.wav: no beat found in 3.0 s (silent track)',
    },
    {
      result: {
        input: 'a.mp4',
        output: 'p.mp4',
        width: 640,
        height: 360,
        frames: 300,
        durationSec: 10,
        sizeBytes: 2 * 1048576,
      },
      text: 'p.mp4: proxy 640x360, 300 frames, 10.0 s, 2.0 MiB',
    },
  ])('$text', ({ result, text }) => {
    expect(analysisSummary(result as never)).toBe(text);
  });

  it('lists a dozen cut times and says where the rest are', () => {
    const cuts = Array.from({ length: 14 }, (_, i) => ({ frame: i * 30, time: i, score: 50, kind: 'hard' }));
    const text = analysisSummary(
      {
        kind: 'scenes',
        source: { path: 'f.mp4', fps: 30, frameCount: 450, width: 1, height: 1 },
        frames: 450,
        cuts,
        shots: Array.from({ length: 15 }, (_, i) => ({ startTime: i, duration: 1 })),
        options: {},
      } as never,
      'scenes.json',
    );
    expect(text.split('\n')).toEqual([
      'f.mp4: 15 shots, 14 cuts (14 hard, 0 gradual) in 450 frames (15.0 s)',
      'cuts at 0.00s 1.00s 2.00s 3.00s 4.00s 5.00s 6.00s 7.00s 8.00s 9.00s 10.00s 11.00s … (2 more; --json or -o for all)',
      'written to scenes.json',
    ]);
  });
});

describe('summary grammar', () => {
  it('says 1 segment, 2 segments; a ladder of one of each; skipped shots only when there are some', () => {
    expect([0, 1, 2].map((n) => plural(n, 'chunk'))).toEqual(['0 chunks', '1 chunk', '2 chunks']);
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    const ladder = {
      output: 'o/m.m3u8',
      frames: 25,
      videoDurationSec: 1,
      encoder: 'libx264',
      segments: 1,
      renditions: [{ name: '120p', width: 160, height: 120, bandwidth: 90_000, codecs: 'avc1' }],
    };
    expect(verificationLine(ladder as unknown as Parameters<typeof verificationLine>[0])).toBe(
      'verified: 1 rendition (120p 90k) x 1 aligned segment, 25 frames = source in each',
    );
    expect(skippedLine({ black: 0, blurry: 2, short: 1 })).toBe('skipped shots: 2 blurry, 1 short\n');
    expect(skippedLine({ black: 0, blurry: 0, short: 0 })).toBe('');
  });
});
