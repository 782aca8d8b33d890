import { describe, expect, it } from 'vitest';
import { coverFilters, fitFilters, pixelAspect } from '../../src/media/cover.js';
import { encoderByName } from '../../src/media/encoders/catalogue.js';
import { runArgs } from '../../src/pipelines/montage/render-args.js';
import { sceneGraph } from '../../src/pipelines/render/scene-graph.js';
import { videoPixelAspect } from '../../src/pipelines/render/spec-files.js';
import { parseRenderSpec } from '../../src/pipelines/render/spec.js';

// Found by a new user's trial: anamorphic (non-square-pixel) sources were fitted by their stored
// size and came out stretched. Square pixels keep the filters they always had, to the character.

describe('pixelAspect', () => {
  it.each([
    { sar: { num: 32, den: 27 }, rotation: 0, want: { num: 32, den: 27 } },
    { sar: { num: 64, den: 54 }, rotation: 180, want: { num: 32, den: 27 } },
    // A quarter turn: ffmpeg's autorotate transposes the picture and inverts its SAR.
    { sar: { num: 32, den: 27 }, rotation: 90, want: { num: 27, den: 32 } },
    { sar: { num: 8, den: 9 }, rotation: 270, want: { num: 9, den: 8 } },
    { sar: { num: 1, den: 1 }, rotation: 0, want: undefined },
    { sar: { num: 2, den: 2 }, rotation: 90, want: undefined },
  ])('$sar.num:$sar.den turned $rotation -> $want', ({ sar, rotation, want }) => {
    expect(pixelAspect(sar, rotation)).toEqual(want);
  });

  it("reads a video's from its stream, never a still's", () => {
    const stream = { sample_aspect_ratio: '32:27', side_data_list: [{ rotation: 90 }] };
    expect(videoPixelAspect(stream, 'mov,mp4,m4a,3gp,3g2,mj2')).toEqual({ num: 27, den: 32 });
    expect(
      videoPixelAspect({ sample_aspect_ratio: '32:27', tags: { rotate: '180' } }, 'matroska,webm'),
    ).toEqual({
      num: 32,
      den: 27,
    });
    for (const sar of ['1:1', '0:1', undefined])
      expect(videoPixelAspect({ sample_aspect_ratio: sar }, 'mov,mp4,m4a,3gp,3g2,mj2')).toBeUndefined();
    // A PNG's pHYs or a JPEG's density: ignored, as browsers and image viewers do.
    for (const format of ['png_pipe', 'image2'])
      expect(videoPixelAspect({ sample_aspect_ratio: '2:1' }, format)).toBeUndefined();
  });
});

describe('cover and fit filters', () => {
  it('fold the pixel aspect into the one crop or scale; square pixels keep their filters', () => {
    expect(coverFilters(640, 360)).toEqual([
      "crop=w='min(iw,ih*640/360)':h='min(ih,iw*360/640)'",
      'scale=640:360',
    ]);
    expect(coverFilters(640, 360, 'bicubic', { num: 32, den: 27 })).toEqual([
      // 720x480 at 32:27 is shown 853x480: all of it is 16:9.
      "crop=w='min(iw,ih*3/2)':h='min(ih,iw*2/3)'",
      'scale=640:360:flags=bicubic',
    ]);
    expect(fitFilters(640, 360, 'black')).toEqual([
      'scale=640:360:force_original_aspect_ratio=decrease',
      'pad=640:360:(ow-iw)/2:(oh-ih)/2:color=black',
    ]);
    expect(fitFilters(640, 360, 'black', { num: 32, den: 27 })).toEqual([
      "scale=w='min(640,round(iw*1280/(ih*3)))':h='min(360,round(ih*540/(iw*1)))'",
      'pad=640:360:(ow-iw)/2:(oh-ih)/2:color=black',
    ]);
  });

  it('a render scene of square pixels draws with the filters it always had', () => {
    const spec = parseRenderSpec({
      output: '/tmp/out.mp4',
      width: 640,
      height: 360,
      fps: 30,
      scenes: ['fit', 'fill'].map((fit) => ({
        duration: 1,
        background: { video: '/in/anam.mp4', fit },
        layers: [{ type: 'image', path: '/in/anam.mp4', x: 0, y: 0, width: 160, height: 90, fit }],
      })),
    });
    const [fit, fill] = spec.scenes!;
    const res = { local: (p: string) => p, font: () => '/f.ttf', textDir: '/t' };
    const draw = (scene: typeof fit, r: typeof res) =>
      sceneGraph(scene!, { width: 640, height: 360, fps: 30 }, { from: 0, to: 30 }, r, 's', 0).chains;
    // The chains of the commit before pixel aspects were read, word for word.
    const before = [
      [
        'color=c=0x000000:s=640x360:r=30:d=1.0333,format=rgba,setpts=PTS+0/(30*TB)[s0]',
        '[0:v]fps=30,scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2:color=0x000000,format=rgba,setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop=-1,setpts=PTS+0/(30*TB)[s1]',
        "[s0][s1]overlay=x='0':y='0':eof_action=pass:format=auto[s2]",
        '[1:v]format=rgba,scale=160:90:force_original_aspect_ratio=decrease,pad=160:90:(ow-iw)/2:(oh-ih)/2:color=0x00000000,loop=loop=-1:size=1:start=0,setpts=N/(30*TB)+0/(30*TB)[s3]',
        '[s3]null[s4]',
        "[s2][s4]overlay=x='0+0':y='0+0':eof_action=pass:format=auto:enable='gte(t,0)*lt(t,1)'[s5]",
        '[s5]trim=start_frame=0:end_frame=30,setpts=PTS-STARTPTS,format=yuv420p[s6]',
      ],
      [
        'color=c=0x000000:s=640x360:r=30:d=1.0333,format=rgba,setpts=PTS+0/(30*TB)[s0]',
        "[0:v]fps=30,crop=w='min(iw,ih*640/360)':h='min(ih,iw*360/640)',scale=640:360,format=rgba,setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop=-1,setpts=PTS+0/(30*TB)[s1]",
        "[s0][s1]overlay=x='0':y='0':eof_action=pass:format=auto[s2]",
        "[1:v]format=rgba,crop=w='min(iw,ih*160/90)':h='min(ih,iw*90/160)',scale=160:90,loop=loop=-1:size=1:start=0,setpts=N/(30*TB)+0/(30*TB)[s3]",
        '[s3]null[s4]',
        "[s2][s4]overlay=x='0+0':y='0+0':eof_action=pass:format=auto:enable='gte(t,0)*lt(t,1)'[s5]",
        '[s5]trim=start_frame=0:end_frame=30,setpts=PTS-STARTPTS,format=yuv420p[s6]',
      ],
    ];
    const square = { ...res, pixelAspect: () => undefined };
    expect([draw(fit, res), draw(fill, res)]).toEqual(before);
    expect([draw(fit, square), draw(fill, square)]).toEqual(before);
    const anamorphic = {
      ...res,
      pixelAspect: (p: string) => (p === '/in/anam.mp4' ? { num: 32, den: 27 } : undefined),
    };
    const fitted = draw(fit, anamorphic).join(';');
    expect(fitted).toContain(
      "[0:v]fps=30,scale=w='min(640,round(iw*1280/(ih*3)))':h='min(360,round(ih*540/(iw*1)))',pad=640:360:",
    );
    expect(fitted).toContain(
      "[1:v]format=rgba,scale=w='min(160,round(iw*320/(ih*3)))':h='min(90,round(ih*135/(iw*1)))',pad=160:90:",
    );
    const filled = draw(fill, anamorphic).join(';');
    expect(filled).toContain("[0:v]fps=30,crop=w='min(iw,ih*3/2)':h='min(ih,iw*2/3)',scale=640:360,");
    expect(filled).toContain("[1:v]format=rgba,crop=w='min(iw,ih*3/2)':h='min(ih,iw*2/3)',scale=160:90,");
  });

  it('a montage entry of an anamorphic clip is cropped by the size it is shown at', () => {
    const entry = {
      clip: '/in/clip.mp4',
      clipFps: 30,
      clipOffsetSec: 0,
      sourceStart: 0,
      frames: 30,
      label: '1',
    };
    const job = {
      entries: [entry, { ...entry, clip: '/in/anam.mp4', pixelAspect: { num: 32, den: 27 } }],
      fps: 30,
      width: 640,
      height: 360,
      encoder: encoderByName('libx264')!,
      settings: { quality: 70, preset: 'balanced' as const, gopFrames: 60 },
      output: '/tmp/e.mp4',
    };
    const args = runArgs(job);
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain(
      "[0:v:0]setpts=PTS-STARTPTS,fps=30,crop=w='min(iw,ih*640/360)':h='min(ih,iw*360/640)',scale=640:360:flags=bicubic,setsar=1,",
    );
    expect(graph).toContain(
      "[1:v:0]setpts=PTS-STARTPTS,fps=30,crop=w='min(iw,ih*3/2)':h='min(ih,iw*2/3)',scale=640:360:flags=bicubic,setsar=1,",
    );
    // Square pixels: the arguments of a job without the field, word for word.
    expect(runArgs({ ...job, entries: [entry, { ...entry, pixelAspect: undefined }] })).toEqual(
      runArgs({ ...job, entries: [entry, entry] }),
    );
  });
});
