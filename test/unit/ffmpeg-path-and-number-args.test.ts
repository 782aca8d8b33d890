import { describe, expect, it } from 'vitest';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { IMAGE_FILE, pathOption, patternDir } from '../../src/media/path-escape.js';
import { concatList } from '../../src/media/segment-args.js';
import { runArgs, stabilizeDetectArgs, thumbnailPath } from '../../src/pipelines/montage/render-args.js';
import { mixGraph } from '../../src/pipelines/render/mix-args.js';
import { convertFramesArgs } from '../../src/pipelines/transcode/process-args.js';
import type { AudioTrack } from '../../src/pipelines/render/payloads.js';

// Found by a user's trial: a data dir or HOME with a space (or a `%`) failed every graded,
// stabilised or thumbnailed montage render, five times, as INTERNAL.
describe('paths in filter graphs and image2 patterns', () => {
  const entry = { clip: '/in/c.mp4', clipFps: 25, clipOffsetSec: 0, sourceStart: 0, frames: 10, label: '1' };
  const run = {
    entries: [entry],
    fps: 30,
    width: 160,
    height: 90,
    encoder: encoderByName('libx264')!,
    settings: { quality: 70, preset: 'balanced' as const, gopFrames: 60 },
    output: '/o.mp4',
  };
  const scratch = "/home/a user/data %d dir/it's: a,b;[c]";

  it.each([
    ['/tmp/s/grade.cube', '/tmp/s/grade.cube'],
    ['/data dir/grade.cube', '/data\\\\\\ dir/grade.cube'],
    ["/a'b:c/x.cube", "/a\\\\\\'b\\\\:c/x.cube"],
    ['/a,b;[c]/x.cube', '/a\\,b\\;\\[c\\]/x.cube'],
    ['/a\\b/x.cube', '/a\\\\\\\\b/x.cube'],
    ['/d%d/x.cube', '/d%d/x.cube'],
  ])('escapes %j for the option and the graph parser', (path, escaped) => {
    expect(pathOption(path)).toBe(escaped);
  });

  it('escapes, rather than refuses, the LUT, transforms and font of a run in scratch space there', () => {
    const job = {
      ...run,
      lut: `${scratch}/grade.cube`,
      entries: [{ ...entry, transforms: `${scratch}/t.trf` }],
      thumbnails: { dir: scratch, firstIndex: 4, font: `${scratch}/f.ttf` },
    };
    const args = runArgs(job);
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain(`lut3d=file=${pathOption(`${scratch}/grade.cube`)}:interp`);
    expect(graph).toContain(`vidstabtransform=smoothing=10:zoom=2:input=${pathOption(`${scratch}/t.trf`)},`);
    expect(graph).toContain(`drawtext=fontfile=${pathOption(`${scratch}/f.ttf`)}:`);
    const detect = stabilizeDetectArgs(entry, 30, `${scratch}/t.trf`);
    expect(detect[detect.indexOf('-vf') + 1]).toContain(`result=${pathOption(`${scratch}/t.trf`)}`);
    // The `%` of the folder written `%%` in the pattern, and only there.
    expect(args.at(-1)).toBe("/home/a user/data %%d dir/it's: a,b;[c]/thumb-%d.png");
    expect(thumbnailPath(scratch, 4)).toBe(`${scratch}/thumb-4.png`);
    expect(patternDir('/a%b%%c')).toBe('/a%%b%%%%c');
  });

  it("writes and reads a processor's numbered frames in a folder with a %", () => {
    const args = convertFramesArgs(
      { kind: 'frames', dir: '/data %d/in-0' },
      { kind: 'frames', dir: '/data %d/out-0' },
      { num: 30, den: 1 },
    );
    expect(args[args.indexOf('-i') + 1]).toBe('/data %%d/in-0/%06d.png');
    expect(args.at(-1)).toBe('/data %%d/out-0/%06d.png');
  });

  it('opens each image of a concat list by its name, not as a pattern', () => {
    expect(concatList(['/a %d/1.png', "/it's.png"], [], IMAGE_FILE)).toBe(
      "ffconcat version 1.0\nfile '/a %d/1.png'\noption pattern_type none\nfile '/it'\\''s.png'\noption pattern_type none\n",
    );
    expect(concatList(['/a.mp4'], [2])).toBe("ffconcat version 1.0\nfile '/a.mp4'\nduration 2.000000\n");
  });
});

// Found by a user's trial: a fade of 1e-7 s passed the spec's check and went into the graph as
// `d=1e-7`, which ffmpeg cannot read as a duration: the mix failed and was retried.
describe('numbers in the mix graph', () => {
  const track = (over: Partial<AudioTrack>): AudioTrack => ({
    source: { path: '/m.wav' },
    start: 0,
    volume: 1,
    fadeIn: 0,
    fadeOut: 0,
    loop: false,
    ...over,
  });
  const graphOf = (tracks: AudioTrack[], durationSec = 4) => mixGraph({ tracks, durationSec, key: 'k' });

  it.each([1e-7, 1e-6, 2e-5])('writes no fade shorter than a sample (%s s)', (fade) => {
    const graph = graphOf([track({ fadeIn: fade, fadeOut: fade })]);
    expect(graph).not.toContain('afade');
    expect(graph).not.toMatch(/\de[-+]?\d/);
  });

  it('writes every time in plain decimals', () => {
    const graph = graphOf(
      [track({ fadeIn: 2.5e-5, fadeOut: 0.5, start: 1e-7 }), track({ fadeIn: 1.25 })],
      3.5,
    );
    expect(graph).toContain('afade=t=in:st=0:d=0.000025,');
    expect(graph).toContain(
      'atrim=0:3.500000,volume=1,afade=t=in:st=0:d=0.000025,afade=t=out:st=3.000000:d=0.500000',
    );
    expect(graph).toContain('afade=t=in:st=0:d=1.250000');
    expect(graph).not.toMatch(/\de[-+]?\d/);
  });
});
