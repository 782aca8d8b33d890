import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { hasFilters, parseCubeLut, readCubeLut } from '../../src/pipelines/montage/cube-lut.js';
import {
  musicArgs,
  runArgs,
  stabilizeDetectArgs,
  storyboardArgs,
  thumbnailFilter,
  thumbnailPath,
} from '../../src/pipelines/montage/render-args.js';
import { dominantColour, samplesIn } from '../../src/pipelines/montage/shot-colour.js';
import { frameSize, parseMontageSpec, storyboardPath } from '../../src/pipelines/montage/spec.js';

const identity2 = ['LUT_3D_SIZE 2', '0 0 0', '1 0 0', '0 1 0', '1 1 0', '0 0 1', '1 0 1', '0 1 1', '1 1 1'];

describe('parseCubeLut', () => {
  it('reads a valid 3D LUT with title, comments and domain', () => {
    const text = ['# made by hand', 'TITLE "id"', 'DOMAIN_MIN 0 0 0', 'DOMAIN_MAX 1 1 1', ...identity2].join(
      '\n',
    );
    expect(parseCubeLut(text, 'id.cube')).toEqual({ size: 2, title: 'id' });
  });

  it.each([
    { name: 'no size', text: '0 0 0\n', says: 'line 1: data before LUT_3D_SIZE' },
    { name: 'a 1D LUT', text: 'LUT_1D_SIZE 4\n', says: 'line 1: a 1D LUT' },
    { name: 'too few rows', text: identity2.slice(0, 8).join('\n'), says: 'needs 8 rows, found 7' },
    {
      name: 'a short row',
      text: [...identity2.slice(0, 8), '1 1'].join('\n'),
      says: 'line 9: expected three numbers',
    },
    {
      name: 'a bad size',
      text: 'LUT_3D_SIZE 1\n',
      says: 'LUT_3D_SIZE must be an integer from 2 to 256, got `1`',
    },
    { name: 'an unknown word', text: 'LUT_4D_SIZE 2\n', says: 'unknown keyword `LUT_4D_SIZE`' },
    { name: 'an empty file', text: '', says: 'no LUT_3D_SIZE' },
    { name: 'a byte-order mark', text: `\uFEFF${identity2.join('\n')}`, says: 'line 1: unknown keyword' },
    {
      name: 'a no-break space between numbers',
      text: [...identity2.slice(0, 8), '1\u00a01 1'].join('\n'),
      says: 'line 9: expected three numbers',
    },
    {
      name: 'a second size',
      text: ['LUT_3D_SIZE 2', ...identity2].join('\n'),
      says: 'line 2: a second LUT_3D_SIZE',
    },
    {
      name: 'more rows than its size',
      text: [...identity2, '0 0 0'].join('\n'),
      says: 'line 10: LUT_3D_SIZE 2 needs 8 rows, found more',
    },
  ])('refuses $name with the file and line', ({ text, says }) => {
    expect(() => parseCubeLut(text, '/luts/x.cube')).toThrow(says);
    expect(() => parseCubeLut(text, '/luts/x.cube')).toThrow('/luts/x.cube');
  });

  // A server read the whole file into one string and split it: `LUT_3D_SIZE 2` and 200 MB of
  // newlines ran the process out of heap (and again on every restart, as the job resumed).
  it('reads a file in chunks and refuses one of hostile size as it reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ff-cube-'));
    try {
      const good = join(dir, 'id.cube');
      await writeFile(good, ['TITLE "id"', ...identity2].join('\r\n'));
      expect(await readCubeLut(good, 'id.cube')).toEqual({ size: 2, title: 'id' });
      const blank = join(dir, 'blank.cube');
      await writeFile(blank, `LUT_3D_SIZE 2\n${'\n'.repeat(20_000_000)}`);
      await expect(readCubeLut(blank, 'blank.cube')).rejects.toThrow(
        'LUT `blank.cube` line 100001: over 100000 lines that are not data',
      );
      const long = join(dir, 'long.cube');
      await writeFile(long, `LUT_3D_SIZE 2\n${'0'.repeat(20_000_000)}`);
      await expect(readCubeLut(long, 'long.cube')).rejects.toThrow('line 2: a line over 4096 characters');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('hasFilters', () => {
  const listing =
    ' ... vidstabdetect     V->V       Extract\n ... vidstabtransform  V->V       Transform\n T.C lut3d  V->V  LUT\n';
  it.each([
    { names: ['vidstabdetect', 'vidstabtransform'], has: true },
    { names: ['lut3d'], has: true },
    { names: ['vidstab'], has: false },
    { names: ['vidstabdetect', 'zscale'], has: false },
  ])('$names -> $has', ({ names, has }) => expect(hasFilters(listing, names)).toBe(has));
});

describe('run and music arguments', () => {
  const entry = {
    clip: '/in/clip.mp4',
    clipFps: 25,
    clipOffsetSec: 0,
    sourceStart: 50,
    frames: 45,
    label: '1',
  };
  const base = {
    entries: [entry],
    fps: 30,
    width: 1280,
    height: 720,
    encoder: encoderByName('libx264')!,
    settings: { quality: 70, preset: 'balanced' as const, gopFrames: 60 },
    output: '/tmp/e.mp4',
  };
  const graphOf = (args: string[]) => args[args.indexOf('-filter_complex') + 1]!;

  it('seeks half a frame early, conforms, covers and crops, pads and trims to exactly the frames', () => {
    const args = runArgs(base);
    expect(args.slice(0, 2)).toEqual(['-ss', (49.5 / 25).toFixed(6)]);
    // Read no further than the entry's source frames (39 at 25 fps for 45 at 30) and one to spare.
    expect(args.slice(2, 4)).toEqual(['-t', (40 / 25).toFixed(6)]);
    expect(graphOf(args)).toBe(
      "[0:v:0]setpts=PTS-STARTPTS,fps=30,crop=w='min(iw,ih*1280/720)':h='min(ih,iw*720/1280)',scale=1280:720:flags=bicubic,setsar=1,tpad=stop_mode=clone:stop=45,trim=end_frame=45,format=yuv420p[c0];[c0]concat=n=1:v=1:a=0,settb=1/30,setpts=N[v]",
    );
    expect(args[args.indexOf('-frames:v') + 1]).toBe('45');
    expect(args.join(' ')).toContain('open_gop=0');
  });

  it('concatenates a run of entries into one encode, one input each, in order', () => {
    const other = {
      ...entry,
      clip: '/in/other.mp4',
      clipFps: 30,
      clipOffsetSec: 0.5,
      sourceStart: 0,
      frames: 60,
    };
    const args = runArgs({ ...base, entries: [entry, other, { ...entry, sourceStart: 100 }] });
    expect(args.filter((a) => a === '-i')).toHaveLength(3);
    expect(args.filter((a) => a === '-c:v')).toEqual(['-c:v']);
    // An entry from the clip's start reads from its video start, without a seek.
    const inputs = args.slice(0, args.indexOf('-filter_complex'));
    expect(inputs.filter((a) => a === '-ss')).toHaveLength(2);
    const second = inputs.slice(inputs.indexOf('/in/clip.mp4') + 1, inputs.indexOf('/in/other.mp4'));
    expect(second.slice(0, 2)).toEqual(['-t', (0.5 + 62 / 30).toFixed(6)]);
    const graph = graphOf(args);
    expect(graph).toContain('[1:v:0]setpts=PTS-STARTPTS,fps=30,');
    expect(graph).toContain('tpad=stop_mode=clone:stop=60,trim=end_frame=60,format=yuv420p[c1]');
    expect(graph).toContain('[c0][c1][c2]concat=n=3:v=1:a=0,settb=1/30,setpts=N[v]');
    expect(args[args.indexOf('-frames:v') + 1]).toBe('150');
  });

  it("writes each entry's middle frame, labelled, as a thumbnail picked on the way to the encoder", () => {
    const args = runArgs({
      ...base,
      entries: [
        { ...entry, label: "1 at 0.00s 'x'" },
        { ...entry, frames: 20, label: '2 at 1.50s beat 3 1.52s' },
      ],
      thumbnails: { dir: '/tmp/s', firstIndex: 7, font: '/f.ttf' },
    });
    const graph = graphOf(args);
    // Each entry's frames carry its label (quotes dropped: nothing the graph reads as syntax).
    expect(graph).toContain(
      "trim=end_frame=45,format=yuv420p,metadata=mode=add:key=framefleet_label:value='1 at 0.00s x'[c0]",
    );
    // Two lines: the number and time above, the beat below.
    expect(graph).toContain(
      "value='2 at 1.50s',metadata=mode=add:key=framefleet_label2:value='beat 3 1.52s'[c1]",
    );
    expect(graph).toContain('[c0][c1]concat=n=2:v=1:a=0,settb=1/30,setpts=N,split[enc][th];[enc]null[v]');
    // Frames 22 and 45 + 10 of the run: each entry's middle.
    expect(graph).toContain(
      "[th]select='eq(n,22)+eq(n,55)',scale=-2:180,drawtext=fontfile=/f.ttf:text='%{metadata\\:framefleet_label}':x=6:y=6:fontsize=16",
    );
    expect(graph).toContain("text='%{metadata\\:framefleet_label2}':x=6:y=h-th-6:fontsize=16");
    expect(args.slice(args.indexOf('/tmp/e.mp4') + 1)).toEqual([
      '-map',
      '[thumbs]',
      '-fps_mode',
      'passthrough',
      '-frames:v',
      '2',
      '-c:v',
      'png',
      '-f',
      'image2',
      '-start_number',
      '7',
      '-y',
      '/tmp/s/thumb-%d.png',
    ]);
    expect(thumbnailPath('/tmp/s', 8)).toBe('/tmp/s/thumb-8.png');
    expect(args[args.indexOf('-map') + 1]).toBe('[v]');
  });

  // A 9:16 cut's thumbnails were 102 px wide with its 23-character label on one 16 px line, so
  // most of every label was cut off ("2 at 0.53s be").
  it.each([
    [1280, 720, 180, 16],
    [360, 640, 286, 16],
    [720, 720, 180, 16],
    [576, 720, 200, 16],
  ])('fits the label lines across a thumbnail of a %ix%i cut', (width, height, thumbHeight, size) => {
    const filter = thumbnailFilter({ width, height }, '/f.ttf', 'beat 26 13.64s'.length);
    expect(filter).toContain(`scale=-2:${thumbHeight},`);
    expect(filter).toContain(`fontsize=${size}:`);
    const thumbWidth = Math.round((thumbHeight * width) / height);
    expect(thumbWidth).toBeGreaterThanOrEqual(160);
    expect(12 + 'beat 26 13.64s'.length * size * 0.64).toBeLessThanOrEqual(thumbWidth);
    expect(thumbnailFilter({ width, height }, undefined, 14)).toBe(`scale=-2:${thumbHeight}`);
  });

  it('grades after the crop and stabilises before the conform', () => {
    const graded = graphOf(
      runArgs({ ...base, lut: '/tmp/s/grade.cube', entries: [{ ...entry, transforms: '/tmp/s/t.trf' }] }),
    );
    expect(graded.indexOf('vidstabtransform')).toBeLessThan(graded.indexOf('fps=30'));
    expect(graded.indexOf('crop=')).toBeLessThan(graded.indexOf('lut3d=file=/tmp/s/grade.cube'));
    const detect = stabilizeDetectArgs(entry, 30, '/tmp/s/t.trf');
    expect(detect[detect.indexOf('-vf') + 1]).toContain('result=/tmp/s/t.trf');
  });

  it('normalises the music once, trims it exactly and fades the last second', () => {
    const af = musicArgs({
      music: '/m.wav',
      durationSec: 12.5,
      fadeSec: 1,
      bitrateKbps: 192,
      output: '/o.m4a',
    });
    const chain = af[af.indexOf('-af') + 1]!;
    expect(chain.match(/loudnorm/g)).toHaveLength(1);
    expect(chain).toContain('afade=t=out:st=11.500000:d=1.000000');
    expect(chain.endsWith('afade=t=out:st=11.500000:d=1.000000')).toBe(true);
  });

  it('tiles the storyboard eight across', () => {
    const args = storyboardArgs('/l.ffconcat', 19, 8, '/o.jpg');
    expect(args[args.indexOf('-vf') + 1]).toContain('tile=8x3');
    expect(storyboardArgs('/l', 3, 8, '/o')[storyboardArgs('/l', 3, 8, '/o').indexOf('-vf') + 1]).toContain(
      'tile=3x1',
    );
  });
});

describe('spec helpers', () => {
  it.each([
    { aspect: '16:9', height: 720, width: 1280 },
    { aspect: '16:9', height: 1080, width: 1920 },
    { aspect: '9:16', height: 1080, width: 608 },
    { aspect: '1:1', height: 720, width: 720 },
    { aspect: '4:5', height: 2160, width: 1728 },
    { aspect: '16:9', height: 240, width: 426 },
  ] as const)('$aspect at $height is $width wide', ({ aspect, height, width }) => {
    expect(frameSize(aspect, height)).toEqual({ width, height });
  });

  it('names the storyboard after the output and refuses a bad spec with the value', () => {
    expect(storyboardPath('/out/cut.final.mp4')).toBe('/out/cut.final.storyboard.jpg');
    expect(() => parseMontageSpec({ clips: ['a.mp4'], music: 'm.wav', output: 'o.avi' })).toThrow('o.avi');
    expect(() =>
      parseMontageSpec({ clips: ['a.mp4'], music: 'm.wav', output: 'o.mp4', edl: 'x.txt' }),
    ).toThrow('x.txt');
  });

  it('finds the dominant colour, not the mean', () => {
    const frame = new Uint8Array(3 * 10);
    for (let i = 0; i < 10; i++) frame.set(i < 7 ? [10, 20, 200] : [250, 10, 10], 3 * i);
    expect(dominantColour([frame])).toBe('#0a14c8');
    expect(samplesIn([1, 2, 3, 4, 5, 6], 2, 0.5, 1.6)).toEqual([2, 3, 4]);
    expect(samplesIn([1, 2, 3], 2, 0.55, 0.6)).toEqual([2]);
  });
});
