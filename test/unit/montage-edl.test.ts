import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { estimateDownbeats, planCuts, type MusicAnalysis } from '../../src/pipelines/montage/cut-plan.js';
import {
  judgeShots,
  placeInShot,
  planEdl,
  type Edl,
  type ShotCandidate,
} from '../../src/pipelines/montage/edl.js';
import { entryRuns, MAX_RUN_ENTRIES, runTaskId } from '../../src/pipelines/montage/edit-executor.js';
import { MIN_TASK_SECONDS } from '../../src/pipelines/task-runs.js';
import { readOtioCuts, timecode, toCmx3600, toOtio } from '../../src/pipelines/montage/edl-export.js';

/** Music at `bpm` for `seconds`, loud (peak) in [loudFrom, loudTo) seconds, calm elsewhere. */
function music(bpm: number, seconds: number, loud: [number, number] = [0, 0]): MusicAnalysis {
  const period = 60 / bpm;
  const beats: number[] = [];
  for (let t = 0.25; t < seconds; t += period) beats.push(Math.round(t * 1000) / 1000);
  const curveRate = 20;
  const energy = Array.from({ length: Math.ceil(seconds * curveRate) }, (_, i) => {
    const t = i / curveRate;
    return t >= loud[0] && t < loud[1] ? -6 : -30;
  });
  return { durationSec: seconds, tempo: bpm, beats, downbeats: [], energy, curveRate };
}

function shot(clip: number, index: number, over: Partial<ShotCandidate> = {}): ShotCandidate {
  return {
    clip,
    shot: index,
    fps: 30,
    startFrame: index * 120,
    endFrame: index * 120 + 120,
    motion: 2 + clip + index,
    brightness: 120,
    sharpness: 20,
    colour: '#808080',
    ...over,
  };
}

/** Eight clips of three 4-second shots each, with varied motion. */
const library: ShotCandidate[] = Array.from({ length: 8 }, (_, c) =>
  [0, 1, 2].map((s) => shot(c, s, { motion: ((c * 7 + s * 3) % 11) + 1 })),
).flat();

function beatFrames(m: MusicAnalysis, fps: number): number[] {
  return m.beats.map((t) => t * fps);
}

describe('planCuts', () => {
  it.each([
    { name: '120 bpm, 30 fps, 10 s', bpm: 120, fps: 30, seconds: 10 },
    { name: '97 bpm, 25 fps, 12 s', bpm: 97, fps: 25, seconds: 12 },
    { name: '174 bpm, 24 fps, 8 s', bpm: 174, fps: 24, seconds: 8 },
    { name: '60 bpm, 29.97 fps, 15 s', bpm: 60, fps: 30000 / 1001, seconds: 15 },
  ])('$name: contiguous, ends at the length, every cut within half a frame of a beat', (c) => {
    const m = music(c.bpm, c.seconds + 2, [c.seconds / 2, c.seconds]);
    const totalFrames = Math.round(c.seconds * c.fps);
    const cuts = planCuts(m, { fps: c.fps, totalFrames, minEntrySec: 0.4, maxEntrySec: 3 });
    expect(cuts[0]!.startFrame).toBe(0);
    expect(cuts.at(-1)!.endFrame).toBe(totalFrames);
    const beats = beatFrames(m, c.fps);
    for (const [i, cut] of cuts.entries()) {
      if (i > 0) expect(cut.startFrame).toBe(cuts[i - 1]!.endFrame);
      expect(cut.endFrame - cut.startFrame).toBeGreaterThanOrEqual(Math.round(0.4 * c.fps));
      if (i === 0) continue;
      const nearest = Math.min(...beats.map((b) => Math.abs(b - cut.startFrame)));
      expect(nearest).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(m.beats[cut.beat]! * c.fps).toBeCloseTo(cut.startFrame, -0.5);
    }
  });

  // Found by a new-user trial: the first entry of music whose first beat is at 0 said no beat
  // ("beat": -1 in the OTIO, no label on the storyboard).
  it('labels the first entry with the beat at the start, -1 only when there is none', () => {
    const options = { fps: 30, totalFrames: 300, minEntrySec: 0.4, maxEntrySec: 3 };
    const late = music(120, 12);
    expect(planCuts(late, options)[0]!.beat).toBe(-1);
    const onTime = { ...late, beats: [0, ...late.beats.map((t) => t + 0.25)] };
    const [first, second] = planCuts(onTime, options);
    expect([first!.startFrame, first!.beat]).toEqual([0, 0]);
    expect(second!.beat).toBeGreaterThan(0);
  });

  it('cuts faster on loud passages than on calm ones', () => {
    const m = music(120, 22, [10, 20]);
    const cuts = planCuts(m, { fps: 30, totalFrames: 600, minEntrySec: 0.4, maxEntrySec: 3 });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const calm = cuts.filter((c) => c.endFrame <= 300).map((c) => c.endFrame - c.startFrame);
    const loud = cuts.filter((c) => c.startFrame >= 300).map((c) => c.endFrame - c.startFrame);
    expect(mean(loud)).toBeLessThan(mean(calm) / 2);
  });

  // Found by a new-user trial: a track with 9 s of silence before the music made one 9 s entry
  // from a 4 s shot, frozen on its last frame for 5 s (gaps were bridged by the next beat, however far).
  it.each([
    { name: 'a break', keep: (t: number) => t < 2 || t > 7 },
    { name: 'a silent intro', keep: (t: number) => t > 6 },
    { name: 'a fade-out tail', keep: (t: number) => t < 4 },
    { name: 'no beats at all', keep: () => false },
  ])('goes through $name on the beat grid, no entry longer than the longest', ({ keep }) => {
    const m = music(120, 12);
    const grid = m.beats.map((t) => t * 30);
    m.beats = m.beats.filter(keep);
    if (m.beats.length === 0) m.tempo = null;
    const cuts = planCuts(m, { fps: 30, totalFrames: 300, minEntrySec: 0.4, maxEntrySec: 2 });
    expect(cuts[0]!.startFrame).toBe(0);
    expect(cuts.at(-1)!.endFrame).toBe(300);
    for (const [i, cut] of cuts.entries()) {
      if (i > 0) expect(cut.startFrame).toBe(cuts[i - 1]!.endFrame);
      // The longest entry, or one beat more where the beat nearest to it lies beyond.
      expect(cut.endFrame - cut.startFrame).toBeLessThanOrEqual(2 * 30 + 15);
      if (i > 0 && m.tempo)
        expect(Math.min(...grid.map((b) => Math.abs(b - cut.startFrame)))).toBeLessThanOrEqual(0.5);
    }
  });

  it('finds the accented phase as downbeats', () => {
    const beats = Array.from({ length: 16 }, (_, i) => 0.5 * i + 0.25);
    const onset = new Array<number>(200).fill(0);
    beats.forEach((t, i) => (onset[Math.round(t * 20)] = i % 4 === 1 ? 3 : 1));
    expect(estimateDownbeats(beats, onset, 20)).toEqual(beats.filter((_, i) => i % 4 === 1));
    expect(estimateDownbeats(beats.slice(0, 5), onset, 20)).toEqual([]);
  });
});

describe('judgeShots', () => {
  it.each([
    { name: 'black', over: { brightness: 5 }, verdict: 'black' },
    { name: 'blurred', over: { sharpness: 3 }, verdict: 'blurry' },
    { name: 'too short', over: { endFrame: 5 }, verdict: 'short' },
    { name: 'dim but lit', over: { brightness: 40 }, verdict: 'usable' },
    { name: 'soft but not blurred', over: { sharpness: 8 }, verdict: 'usable' },
  ])('a $name shot is $verdict', ({ over, verdict }) => {
    const shots = [...library.slice(0, 5), shot(9, 0, over)];
    expect(judgeShots(shots, { fps: 30, totalFrames: 300, seed: 1 }).at(-1)).toBe(verdict);
  });
});

it('judges focus, not grain: clean synthetic clips next to a noisy one stay usable', () => {
  // The trial: testsrc2 (7.6) and mandelbrot (9.2) next to a noisy clip whose 1-frame flash (250)
  // is too short to be a reference; before, a median of ~58 called both clean clips blurry.
  const shots = [
    shot(0, 0, { sharpness: 7.6 }),
    shot(1, 0, { sharpness: 9.2 }),
    shot(2, 0, { sharpness: 250, endFrame: 1 }),
    shot(2, 1, { sharpness: 108 }),
    shot(2, 2, { sharpness: 110 }),
  ];
  const options = { fps: 30, totalFrames: 150, seed: 1 };
  expect(judgeShots(shots, options)).toEqual(['usable', 'usable', 'short', 'usable', 'usable']);
  // A shot much softer than its own clip's others missed focus, however grainy the clip.
  const clip = [shot(0, 0, { sharpness: 40 }), shot(0, 1, { sharpness: 42 }), shot(0, 2, { sharpness: 12 })];
  expect(judgeShots(clip, options)).toEqual(['usable', 'usable', 'blurry']);
});

it('finds blurred shots blurry even when every shot is blurred', () => {
  const soft = [shot(0, 0, { sharpness: 1.2 }), shot(1, 0, { sharpness: 2.2 })];
  expect(judgeShots(soft, { fps: 30, totalFrames: 300, seed: 1 })).toEqual(['blurry', 'blurry']);
});

describe('planEdl', () => {
  const m = music(128, 40, [12, 24]);
  const options = { fps: 30, totalFrames: 900, seed: 7 };

  it('covers the timeline, never repeats while unused shots remain, alternates clips', () => {
    const edl = planEdl(library, m, options);
    expect(edl.entries.reduce((n, e) => n + e.recordEnd - e.recordStart, 0)).toBe(900);
    const seen = new Set<string>();
    for (const [i, e] of edl.entries.entries()) {
      const key = `${e.clip}/${e.shot}`;
      if (seen.size < library.length) expect(seen.has(key)).toBe(false);
      seen.add(key);
      if (i > 0) expect(e.clip).not.toBe(edl.entries[i - 1]!.clip);
      const s = library.find((x) => x.clip === e.clip && x.shot === e.shot)!;
      expect(e.sourceStart).toBeGreaterThanOrEqual(s.startFrame);
      expect(e.sourceEnd).toBeLessThanOrEqual(s.endFrame);
      expect(e.sourceEnd - e.sourceStart).toBe(e.recordEnd - e.recordStart);
    }
  });

  it('never picks black, blurred or too-short shots', () => {
    const bad = [shot(8, 0, { brightness: 3 }), shot(9, 0, { sharpness: 1 }), shot(10, 0, { endFrame: 4 })];
    const edl = planEdl([...library, ...bad], m, options);
    expect(edl.entries.some((e) => e.clip >= 8)).toBe(false);
    expect(edl.skipped).toEqual({ black: 1, blurry: 1, short: 1 });
  });

  it('prefers high-motion shots on high energy', () => {
    const edl = planEdl(library, m, { ...options, seed: 3 });
    const loud = edl.entries.filter((e) => e.energy > 0.7).map((e) => e.motion);
    const calm = edl.entries.filter((e) => e.energy < 0.3).map((e) => e.motion);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(loud)).toBeGreaterThan(mean(calm));
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = JSON.stringify(planEdl(library, m, options));
    expect(JSON.stringify(planEdl(library, m, options))).toBe(a);
    expect(JSON.stringify(planEdl(library, m, { ...options, seed: 8 }))).not.toBe(a);
  });

  it('uses one clip twice in a row only when it is the only one left', () => {
    const one = [0, 1, 2, 3].map((s) => shot(0, s));
    const edl = planEdl(one, m, { ...options, totalFrames: 300 });
    expect(edl.entries.every((e) => e.clip === 0)).toBe(true);
    expect(new Set(edl.entries.slice(0, 4).map((e) => e.shot)).size).toBe(Math.min(4, edl.entries.length));
  });

  it('shows another part of a shot it uses again, not the same frames', () => {
    // Found by the new-user trial: with fewer shots than entries, a portrait clip's same 0.14 s
    // came back four times.
    const two = [shot(0, 0), shot(1, 0)];
    const edl = planEdl(two, m, options);
    for (const clip of [0, 1]) {
      const starts = edl.entries.filter((e) => e.clip === clip).map((e) => e.sourceStart);
      expect(starts.length).toBeGreaterThan(2);
      expect(new Set(starts.slice(0, 3)).size).toBe(3);
    }
  });

  it('places uses of a shot in its middle first, then towards its ends, clear of the cut frames', () => {
    expect([0, 1, 2, 3, 4, 5].map((use) => placeInShot(100, use))).toEqual([50, 16, 83, 33, 66, 50]);
    expect(placeInShot(0, 3)).toBe(0);
    expect(placeInShot(3, 1)).toBe(1);
  });

  it('returns no entries when no shot is usable', () => {
    const edl = planEdl([shot(0, 0, { brightness: 0 })], m, options);
    expect(edl.entries).toEqual([]);
    expect(edl.skipped.black).toBe(1);
  });

  it('caps entries at the longest usable shot', () => {
    const short = library.map((s) => ({ ...s, endFrame: s.startFrame + 20 }));
    const edl = planEdl(short, music(40, 20), { ...options, totalFrames: 300 });
    for (const e of edl.entries) expect(e.sourceEnd - e.sourceStart).toBeLessThanOrEqual(20);
  });
});

// The shapes OpenTimelineIO serialises (its Timeline.1, Stack.1, Track.1, Clip.1,
// ExternalReference.1, TimeRange.1 and RationalTime.1 objects), strict: no key more or less.
const rt = z.strictObject({ OTIO_SCHEMA: z.literal('RationalTime.1'), rate: z.number(), value: z.number() });
const range = z.strictObject({ OTIO_SCHEMA: z.literal('TimeRange.1'), duration: rt, start_time: rt });
const item = {
  effects: z.array(z.unknown()),
  markers: z.array(z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  name: z.string(),
};
const otioClip = z.strictObject({
  OTIO_SCHEMA: z.literal('Clip.1'),
  ...item,
  media_reference: z.strictObject({
    OTIO_SCHEMA: z.literal('ExternalReference.1'),
    available_range: range.nullable(),
    metadata: z.record(z.string(), z.unknown()),
    name: z.string(),
    target_url: z.string().startsWith('file://'),
  }),
  source_range: range,
});
const otioTrack = z.strictObject({
  OTIO_SCHEMA: z.literal('Track.1'),
  ...item,
  children: z.array(otioClip),
  kind: z.enum(['Video', 'Audio']),
  source_range: range.nullable(),
});
const otioTimeline = z.strictObject({
  OTIO_SCHEMA: z.literal('Timeline.1'),
  metadata: z.record(z.string(), z.unknown()),
  name: z.string(),
  tracks: z.strictObject({
    OTIO_SCHEMA: z.literal('Stack.1'),
    ...item,
    children: z.array(otioTrack),
    source_range: range.nullable(),
  }),
});

describe('entryRuns', () => {
  const frames = (run: Edl['entries']) => run.reduce((n, e) => n + e.recordEnd - e.recordStart, 0);
  /** An edit list of entries of these lengths (frames), back to back. */
  function edlOf(lengths: number[]): Edl {
    let at = 0;
    const entries = lengths.map((n, index) => {
      const e = { index, clip: index % 3, shot: 0, sourceStart: 0, sourceEnd: n, recordStart: at };
      at += n;
      return { ...e, recordEnd: at, beat: index - 1, energy: 0.5, motion: 1, colour: '#808080' };
    });
    return {
      version: 1,
      fps: 30,
      totalFrames: at,
      seed: 1,
      entries,
      skipped: { black: 0, blurry: 0, short: 0 },
    };
  }

  it.each([
    {
      name: 'a planned 60 s edit',
      edl: planEdl(library, music(128, 70, [12, 24]), { fps: 30, totalFrames: 1800, seed: 7 }),
    },
    { name: 'entries of 1 s', edl: edlOf(Array.from({ length: 30 }, () => 30)) },
    { name: 'entries of 0.4 s: the cap', edl: edlOf(Array.from({ length: 50 }, () => 12)) },
    { name: 'a timeline shorter than a run', edl: edlOf([45, 60, 30]) },
    { name: 'mixed lengths', edl: edlOf([90, 90, 12, 12, 45, 90, 30, 15, 15, 60, 88, 90, 12]) },
  ])('$name: in order, every frame once, >= 8 s a run but the last, at most 16 entries', ({ edl }) => {
    const runs = entryRuns(edl, 30);
    expect(runs.flat()).toEqual(edl.entries);
    expect(runs.reduce((n, r) => n + frames(r), 0)).toBe(frames(edl.entries));
    for (const run of runs) expect(run.length).toBeLessThanOrEqual(MAX_RUN_ENTRIES);
    // A run closes as soon as it holds 8 s, or 16 entries.
    for (const run of runs.slice(0, -1)) {
      if (run.length < MAX_RUN_ENTRIES) expect(frames(run)).toBeGreaterThanOrEqual(MIN_TASK_SECONDS * 30);
      expect(frames(run.slice(0, -1))).toBeLessThan(MIN_TASK_SECONDS * 30);
    }
  });

  it('names each run by its entries and caps short entries at 16 a run', () => {
    const runs = entryRuns(edlOf(Array.from({ length: 40 }, () => 12)), 30);
    expect(runs.map((r) => r.length)).toEqual([16, 16, 8]);
    expect(runs.map(runTaskId)).toEqual(['render-0-15', 'render-16-31', 'render-32-39']);
    expect(runTaskId(edlOf([30]).entries)).toBe('render-0');
    expect(entryRuns(edlOf([45, 60, 30]), 30)).toHaveLength(1);
  });
});

describe('exports', () => {
  const m = music(128, 20, [5, 10]);
  const clips = library.map((_, i) => `/media/clip ${i}.mp4`).slice(0, 8);
  const sources = { title: 'montage', clips, music: '/media/music.wav' };
  const clipFps = [30, 25, 30, 24, 30, 30, 60, 30];
  const edl = planEdl(
    library.map((s) => ({ ...s, fps: clipFps[s.clip]! })),
    m,
    { fps: 30, totalFrames: 450, seed: 2 },
  );

  it('writes OTIO that matches the format’s object shapes and reads back to the same cuts', () => {
    const text = toOtio(edl, sources, clipFps);
    const doc = otioTimeline.parse(JSON.parse(text));
    expect(doc.tracks.children.map((t) => t.kind)).toEqual(['Video', 'Audio']);
    const back = readOtioCuts(text);
    expect(back.rate).toBe(30);
    expect(back.cuts).toHaveLength(edl.entries.length);
    back.cuts.forEach((cut, i) => {
      const e = edl.entries[i]!;
      expect(cut.path).toBe(clips[e.clip]);
      expect(cut.recordStart).toBe(e.recordStart);
      expect(cut.frames).toBe(e.recordEnd - e.recordStart);
      expect(cut.sourceStart).toBeCloseTo((e.sourceStart * 30) / clipFps[e.clip]!, 9);
    });
  });

  it('writes CMX3600 events whose record timecodes follow the edit', () => {
    const text = toCmx3600(edl, sources, clipFps);
    const events = [...text.matchAll(/^(\d{3}) {2}AX {7}V {5}C {8}(\S+) (\S+) (\S+) (\S+)$/gm)];
    expect(events).toHaveLength(edl.entries.length);
    events.forEach((ev, i) => {
      const e = edl.entries[i]!;
      expect(ev[1]).toBe(String(i + 1).padStart(3, '0'));
      expect(ev[4]).toBe(timecode(e.recordStart, 30));
      expect(ev[5]).toBe(timecode(e.recordEnd, 30));
    });
    expect(text).toMatch(/^TITLE: montage\nFCM: NON-DROP FRAME\n/);
    expect(text).toContain('* FROM CLIP NAME: music.wav');
    expect(timecode(30 * 3661 + 7, 30)).toBe('01:01:01:07');
  });
});
