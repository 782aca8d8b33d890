/**
 * Test footage with known ground truth for scene detection: lavfi sources with camera motion,
 * hard cuts, camera flashes, a dissolve and a long continuous high-motion shot, under film grain.
 */
export interface SceneSegment {
  /** A lavfi source chain; {w}, {h} and {r} are replaced by the size and rate. */
  source: string;
  seconds: number;
  /** Seconds into the segment where a three-frame camera flash starts. */
  flashAt?: number;
  /**
   * How this segment begins: a hard cut (default), or over `dissolveSec` a dissolve, a wipe
   * (left to right) or a fade through black.
   */
  enter?: 'cut' | GradualKind;
  dissolveSec?: number;
  /** A strobe run: from `at` seconds into the segment, for `seconds`, 2 frames lit, 2 not. */
  strobe?: { at: number; seconds: number };
  /** Marks a shot that moves fast all the way through and must contain no cut. */
  continuous?: boolean;
}

export interface SceneTruth {
  frames: number;
  fps: number;
  hardCuts: number[];
  /** Gradual transitions as frame ranges [start, end). */
  gradual: { start: number; end: number; kind: GradualKind }[];
  /** First frames of flashes. */
  flashes: number[];
  /** Strobe runs as frame ranges [start, end): no cut belongs inside. */
  strobes: { start: number; end: number }[];
  /** Continuous shots as frame ranges [start, end). */
  continuous: { start: number; end: number }[];
}

export type GradualKind = 'dissolve' | 'wipe' | 'fade';

/** The xfade transition of each gradual kind. */
const XFADE: Record<GradualKind, string> = { dissolve: 'fade', wipe: 'wipeleft', fade: 'fadeblack' };

export interface SceneVideoOptions {
  path: string;
  width: number;
  height: number;
  fps: number;
  /** Film grain strength for ffmpeg's noise filter (0 = none). */
  grain: number;
  segments: SceneSegment[];
  /** x264 CRF of the file; default 20. */
  crf?: number;
  /** Caps the bitrate like a distribution encode (e.g. '6M'); grain otherwise costs 25 Mb/s. */
  maxrate?: string;
}

const FLASH_FRAMES = 3;

/** Builds the ffmpeg arguments and the ground truth. Pure. */
export function sceneVideoArgs(options: SceneVideoOptions): { args: string[]; truth: SceneTruth } {
  const { width: w, height: h, fps: r } = options;
  const truth: SceneTruth = {
    frames: 0,
    fps: r,
    hardCuts: [],
    gradual: [],
    flashes: [],
    strobes: [],
    continuous: [],
  };
  const chains: string[] = [];
  options.segments.forEach((segment, i) => {
    const n = Math.round(segment.seconds * r);
    const source = segment.source
      .replaceAll('{w}', String(w))
      .replaceAll('{h}', String(h))
      .replaceAll('{r}', String(r));
    let chain = `${source},scale=${w}:${h},fps=${r},trim=end_frame=${n},setpts=PTS-STARTPTS,settb=1/${r},format=yuv420p,setsar=1`;
    if (segment.flashAt !== undefined) {
      const f = Math.round(segment.flashAt * r);
      chain += `,eq=brightness=0.55:contrast=0.6:enable='between(n,${f},${f + FLASH_FRAMES - 1})'`;
    }
    if (segment.strobe) {
      const a = Math.round(segment.strobe.at * r);
      const b = a + Math.round(segment.strobe.seconds * r) - 1;
      chain += `,eq=brightness=0.45:contrast=0.7:enable='between(n,${a},${b})*lt(mod(n-${a},4),2)'`;
    }
    chains.push(`${chain}[s${i}]`);
  });
  // Join the segments one by one so a dissolve can overlap the previous segment's tail.
  let label = 's0';
  let length = Math.round(options.segments[0]!.seconds * r);
  const flashAt = (segment: SceneSegment, start: number) => {
    if (segment.flashAt !== undefined) truth.flashes.push(start + Math.round(segment.flashAt * r));
    if (segment.strobe) {
      const a = start + Math.round(segment.strobe.at * r);
      truth.strobes.push({ start: a, end: a + Math.round(segment.strobe.seconds * r) });
    }
  };
  flashAt(options.segments[0]!, 0);
  if (options.segments[0]!.continuous) truth.continuous.push({ start: 0, end: length });
  options.segments.slice(1).forEach((segment, k) => {
    const i = k + 1;
    const n = Math.round(segment.seconds * r);
    const out = `j${i}`;
    let start: number;
    if (segment.enter && segment.enter !== 'cut') {
      const d = Math.round((segment.dissolveSec ?? 1) * r);
      start = length - d;
      chains.push(
        `[${label}]settb=1/${r}[t${i}];[t${i}][s${i}]xfade=transition=${XFADE[segment.enter]}:duration=${d / r}:offset=${start / r}[${out}]`,
      );
      truth.gradual.push({ start, end: length, kind: segment.enter });
      length = start + n;
    } else {
      start = length;
      chains.push(`[${label}][s${i}]concat=n=2:v=1:a=0[${out}]`);
      truth.hardCuts.push(start);
      length += n;
    }
    flashAt(segment, start);
    if (segment.continuous) truth.continuous.push({ start, end: start + n });
    label = out;
  });
  truth.frames = length;
  const grain = options.grain > 0 ? `,noise=alls=${options.grain}:allf=t` : '';
  chains.push(`[${label}]null${grain}[v]`);
  const args = ['-y', '-filter_complex', chains.join(';'), '-map', '[v]', '-an'];
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(options.crf ?? 20), '-g', String(r * 2));
  if (options.maxrate)
    args.push('-maxrate', options.maxrate, '-bufsize', `${parseFloat(options.maxrate) * 2}M`);
  args.push('-pix_fmt', 'yuv420p', options.path);
  return { args, truth };
}

const DARK = 'eq=brightness=-0.4:contrast=0.07:saturation=0.1';
const quick = (source: string, frames: number): SceneSegment => ({ source, seconds: frames / 30 });

/**
 * The hard reel: what trailers, music videos and night scenes do to a detector. Shots of 6-8
 * frames (one with a flash on its 7th frame after the cut), cuts between dark low-contrast shots,
 * a strobe run inside one shot, flashes, recrops of the same picture and a zoom, a wipe, a fade
 * through black, a dissolve, a fast shot and a whip pan that must hold no cut. Shot lengths are
 * in frames at 30 fps.
 */
export const HARD_SEGMENTS: SceneSegment[] = [
  { source: 'testsrc2=s={w}x{h}:r={r},scroll=h=0.003', seconds: 2 },
  { source: 'mandelbrot=s=320x180:r={r}', seconds: 1.5, flashAt: 0.8 },
  quick('cellauto=s=320x180:r={r}:rule=110:seed=5', 6),
  // gradients' colours are given: its default ones are random on every run, whatever its seed.
  quick('gradients=s={w}x{h}:r={r}:speed=0.03:seed=7:c0=0x1f4e79:c1=0xf2a541', 7),
  quick('smptehdbars=s={w}x{h}:r={r},scroll=h=0.01', 8),
  quick('life=s=320x180:r={r}:mold=10:ratio=0.5:seed=3', 6),
  quick('testsrc=s={w}x{h}:r={r},hue=h=200', 7),
  quick('mandelbrot=s=320x180:r={r}:start_x=-0.74:start_y=0.15', 8),
  {
    source: 'gradients=s={w}x{h}:r={r}:speed=0.05:seed=11:type=radial:c0=0x7b2d8b:c1=0x9be3c4',
    seconds: 1.5,
    flashAt: 0.2,
  },
  { source: `gradients=s={w}x{h}:r={r}:speed=0.02:seed=21:c0=0x4a6fa5:c1=0xd9c7a1,${DARK}`, seconds: 1.5 },
  { source: `testsrc2=s={w}x{h}:r={r},scroll=h=0.004,${DARK}`, seconds: 1.5 },
  { source: `mandelbrot=s=320x180:r={r}:start_x=-0.7:start_y=0.3,${DARK}`, seconds: 1.2 },
  { source: 'pal100bars=s={w}x{h}:r={r},scroll=h=0.004', seconds: 3, strobe: { at: 0.8, seconds: 1.2 } },
  { source: 'testsrc2=s={w}x{h}:r={r}', seconds: 1.5 },
  { source: 'testsrc2=s={w}x{h}:r={r},crop=iw*0.8:ih*0.8:iw*0.1:ih*0.1', seconds: 1 },
  { source: 'testsrc2=s={w}x{h}:r={r},crop=iw*0.7:ih*0.7:iw*0.15:ih*0.3', seconds: 1 },
  { source: 'testsrc2=s={w}x{h}:r={r},zoompan=z=1+0.006*on:d=1:s={w}x{h}:fps={r}', seconds: 2 },
  { source: 'sierpinski=s={w}x{h}:r={r}:type=carpet', seconds: 2.5, enter: 'wipe', dissolveSec: 0.5 },
  { source: 'smptebars=s={w}x{h}:r={r},scroll=h=0.002', seconds: 3, enter: 'fade', dissolveSec: 1 },
  {
    source: 'mandelbrot=s=320x180:r={r}:start_x=-1.2:start_y=0.2',
    seconds: 2.5,
    enter: 'dissolve',
    dissolveSec: 1,
  },
  {
    source: 'testsrc2=s={w}x{h}:r={r},hflip,scroll=h=0.025:v=0.015',
    seconds: 4,
    continuous: true,
    flashAt: 2,
  },
  { source: 'testsrc=s={w}x{h}:r={r},scroll=h=0.05', seconds: 1.5, continuous: true },
  quick('life=s=320x180:r={r}:mold=20:ratio=0.3:seed=17,negate', 7),
  quick('gradients=s={w}x{h}:r={r}:speed=0.04:seed=31:c0=0xc0392b:c1=0x2ecc71', 8),
  { source: 'smptehdbars=s={w}x{h}:r={r},zoompan=z=1.5-0.003*on:d=1:s={w}x{h}:fps={r}', seconds: 2 },
];
