import { join } from 'node:path';
import { coverFilters, fitFilters } from '../../media/cover.js';
import { pathOption } from '../../media/path-escape.js';
import type { Rational } from '../../media/rational.js';
import { alphaExpr, enableExpr, fadeFilters, ffColor, num, quoted, slideExpr, type Timed } from './motion.js';
import type { Layer, Scene, TextLayer } from './spec.js';
import { input, videoInput, type VideoClock } from './scene-inputs.js';
import { fitText } from './text-layout.js';

/**
 * The ffmpeg filtergraph that draws frames [from, to) of one scene: a colour source for the frame,
 * the background image or video fitted or filling it, then each layer in order (boxes, progress bars
 * and images as RGBA overlays with alpha fades, text as drawtext lines). Every stream runs on the
 * scene's clock (the first frame drawn is at t = from / fps), so a scene can be drawn in pieces that
 * match frame for frame. Pure: the caller writes the text files it names and runs ffmpeg.
 */

export interface Frame {
  width: number;
  height: number;
  fps: number;
}

export interface SceneResources {
  /** The path ffmpeg may open for a spec path (confined, opened by the caller). */
  local(path: string): string;
  /** The font file of a text layer. */
  font(layer: TextLayer): string;
  /** Where text files go. */
  textDir: string;
  /** A background video in a container without a keyframe index (MPEG-TS): see VideoClock. */
  clock?(path: string): VideoClock | undefined;
  /** The pixelAspect of a spec path's video whose pixels are not square (see ScenesPayload). */
  pixelAspect?(path: string): Rational | undefined;
}

export interface SceneGraph {
  /** ffmpeg input arguments, in input order from `firstInput`. */
  inputs: string[];
  inputCount: number;
  chains: string[];
  /** Label of the finished stream. */
  out: string;
  texts: { path: string; content: string }[];
}

function fitChain(fit: 'fit' | 'fill', w: number, h: number, pad: string, pixel?: Rational): string {
  return (fit === 'fill' ? coverFilters(w, h, undefined, pixel) : fitFilters(w, h, pad, pixel)).join(',');
}

export function sceneGraph(
  scene: Scene,
  frame: Frame,
  range: { from: number; to: number },
  res: SceneResources,
  label: string,
  firstInput: number,
): SceneGraph {
  const { width: W, height: H, fps } = frame;
  const frames = range.to - range.from;
  const t0 = range.from / fps;
  const dur = num(frames / fps + 1 / fps);
  const shift = `setpts=PTS+${range.from}/(${fps}*TB)`;
  const inputs: string[] = [];
  const chains: string[] = [];
  const texts: SceneGraph['texts'] = [];
  let inputIndex = firstInput;
  let n = 0;
  const next = () => `${label}${n++}`;
  const source = (c: string, w: number, h: number) =>
    `color=c=${ffColor(c)}:s=${w}x${h}:r=${fps}:d=${dur},format=rgba,${shift}`;

  let current = next();
  const bg = scene.background;
  // While every layer so far looks the same on each frame of the range, one frame is drawn and
  // repeated (`loop`): the same pixels, composed once instead of per frame.
  let frozen = !bg.video;
  const loop = `loop=loop=${frames - 1}:size=1:start=0`;
  const oneFrame = `color=c=${ffColor(bg.color)}:s=${W}x${H}:r=${fps}:d=${num(0.5 / fps)},format=rgba,${shift}`;
  chains.push(`${frozen ? oneFrame : source(bg.color, W, H)}[${current}]`);
  const still = (path: string, w: number, h: number, fit: 'fit' | 'fill', pad: string): string => {
    inputs.push(...input(res.local(path)));
    const l = next();
    chains.push(
      `[${inputIndex++}:v]format=rgba,${fitChain(fit, w, h, pad, res.pixelAspect?.(path))},loop=loop=-1:size=1:start=0,setpts=N/(${fps}*TB)+${range.from}/(${fps}*TB)[${l}]`,
    );
    return l;
  };
  if (bg.image) {
    const l = still(bg.image, W, H, bg.fit, ffColor(bg.color));
    current = overlay(chains, current, l, '0', '0', undefined, next());
  } else if (bg.video) {
    const [args, trim] = videoInput(res.local(bg.video), bg.in + t0, res.clock?.(res.local(bg.video)));
    inputs.push(...args);
    const l = next();
    chains.push(
      `[${inputIndex++}:v]${trim}fps=${fps},${fitChain(bg.fit, W, H, ffColor(bg.color), res.pixelAspect?.(bg.video))},format=rgba,setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop=-1,${shift}[${l}]`,
    );
    current = overlay(chains, current, l, '0', '0', undefined, next());
  }

  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const l = next();
    chains.push(`[${current}]${lines.join(',')}[${l}]`);
    current = l;
    lines = [];
  };
  const thaw = () => {
    flush();
    const l = next();
    chains.push(`[${current}]${loop},setpts=N/(${fps}*TB)+${range.from}/(${fps}*TB)[${l}]`);
    current = l;
    frozen = false;
  };
  for (const layer of scene.layers) {
    const timed: Timed = {
      start: layer.start,
      end: layer.end ?? scene.duration,
      in: layer.in,
      out: layer.out,
    };
    // Nothing of a layer outside [from, to) is drawn: a piece of the scene skips it.
    if (timed.end <= t0 || timed.start >= range.to / fps) continue;
    if (frozen && !stillOver(layer, timed, range, fps)) thaw();
    const x = `${layer.x}+${slideExpr(timed, 'x', W)}`;
    const y = `${layer.y}+${slideExpr(timed, 'y', H)}`;
    if (layer.type === 'text') {
      if (layer.box) {
        flush();
        const p = layer.box.padding;
        const bw = Math.min(W, layer.width + 2 * p);
        const bh = Math.min(H, layer.height + 2 * p);
        const box = rgbaLayer(chains, source(layer.box.color, bw, bh), timed, next());
        current = overlay(
          chains,
          current,
          box,
          `${layer.x - p}+${slideExpr(timed, 'x', W)}`,
          `${layer.y - p}+${slideExpr(timed, 'y', H)}`,
          timed,
          next(),
        );
      }
      lines.push(...drawText(layer, timed, x, y, res, texts));
      continue;
    }
    flush();
    let l: string;
    if (layer.type === 'box')
      l = rgbaLayer(chains, source(layer.color, layer.width, layer.height), timed, next());
    else if (layer.type === 'image') {
      const img = still(layer.path, layer.width, layer.height, layer.fit, '0x00000000');
      l = rgbaLayer(chains, `[${img}]`, timed, next());
    } else l = progressBar(chains, layer, timed, source, next);
    current = overlay(chains, current, l, x, y, timed, next());
  }
  flush();
  const out = next();
  chains.push(
    frozen
      ? `[${current}]format=yuv420p,${loop},trim=end_frame=${frames},setpts=N/(${fps}*TB)[${out}]`
      : `[${current}]trim=start_frame=0:end_frame=${frames},setpts=PTS-STARTPTS,format=yuv420p[${out}]`,
  );
  return { inputs, inputCount: inputIndex - firstInput, chains, out, texts };
}

/**
 * Whether a layer draws the same pixels on every frame of [from, to): no motion, no progress, and
 * shown on each frame (the same test as its `enable` expression, on the same rounded times).
 */
export function stillOver(
  layer: Layer,
  timed: Timed,
  range: { from: number; to: number },
  fps: number,
): boolean {
  if (layer.type === 'progress' || timed.in || timed.out) return false;
  return Number(num(timed.start)) <= range.from / fps && (range.to - 1) / fps < Number(num(timed.end));
}

function rgbaLayer(chains: string[], from: string, timed: Timed, l: string): string {
  const fades = fadeFilters(timed);
  const isLabel = from.startsWith('[');
  const filters = fades.length > 0 ? fades.join(',') : 'null';
  chains.push(`${from}${isLabel ? '' : ','}${filters}[${l}]`);
  return l;
}

function overlay(
  chains: string[],
  under: string,
  over: string,
  x: string,
  y: string,
  timed: Timed | undefined,
  l: string,
): string {
  const enable = timed ? `:enable=${quoted(enableExpr(timed))}` : '';
  chains.push(
    `[${under}][${over}]overlay=x=${quoted(x)}:y=${quoted(y)}:eof_action=pass:format=auto${enable}[${l}]`,
  );
  return l;
}

function progressBar(
  chains: string[],
  layer: Extract<Layer, { type: 'progress' }>,
  timed: Timed,
  source: (c: string, w: number, h: number) => string,
  next: () => string,
): string {
  const back = next();
  const fill = next();
  chains.push(`${source(layer.background, layer.width, layer.height)}[${back}]`);
  chains.push(`${source(layer.color, layer.width, layer.height)}[${fill}]`);
  const p = `clip((t-${num(timed.start)})/${num(timed.end - timed.start)},0,1)`;
  const shown = layer.direction === 'fill' ? p : `(1-${p})`;
  const bar = next();
  chains.push(`[${back}][${fill}]overlay=x=${quoted(`-w+w*${shown}`)}:y=0:format=auto[${bar}]`);
  return rgbaLayer(chains, `[${bar}]`, timed, next());
}

function drawText(
  layer: TextLayer,
  timed: Timed,
  x: string,
  y: string,
  res: SceneResources,
  texts: SceneGraph['texts'],
): string[] {
  const block = fitText(layer.text, layer.width, layer.height, layer.size);
  const height = block.lines.length * block.lineHeight;
  const top =
    layer.valign === 'top'
      ? 0
      : layer.valign === 'bottom'
        ? layer.height - height
        : Math.floor((layer.height - height) / 2);
  const font = pathOption(res.font(layer));
  return block.lines.map((line, i) => {
    const path = join(res.textDir, `text-${texts.length}.txt`);
    texts.push({ path, content: line });
    const lx =
      layer.align === 'left'
        ? x
        : layer.align === 'right'
          ? `${x}+${layer.width}-text_w`
          : `${x}+(${layer.width}-text_w)/2`;
    const ly = `${y}+${top + i * block.lineHeight + Math.round((block.lineHeight - block.size) / 2)}`;
    return [
      `drawtext=fontfile=${font}:textfile=${pathOption(path)}:expansion=none`,
      `fontsize=${block.size}:fontcolor=${ffColor(layer.color)}`,
      `x=${quoted(lx)}:y=${quoted(ly)}:alpha=${quoted(alphaExpr(timed))}:enable=${quoted(enableExpr(timed))}`,
    ].join(':');
  });
}
