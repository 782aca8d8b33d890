import type { Motion } from './spec.js';

/**
 * ffmpeg expressions for a layer's timing: when it shows, how opaque it is and how far it has slid,
 * as functions of `t`, the scene's clock (every stream of a scene graph runs on it). Pure.
 */

export interface Timed {
  start: number;
  end: number;
  in?: Motion | undefined;
  out?: Motion | undefined;
}

export function num(value: number): string {
  return String(Math.round(value * 10_000) / 10_000);
}

/** Quoted for a filtergraph: commas inside stay part of the expression. */
export function quoted(expr: string): string {
  return `'${expr}'`;
}

export function enableExpr(l: Timed): string {
  return `gte(t,${num(l.start)})*lt(t,${num(l.end)})`;
}

function inProgress(l: Timed): string {
  return `clip((t-${num(l.start)})/${num(l.in!.duration)},0,1)`;
}

function outProgress(l: Timed): string {
  return `clip((${num(l.end)}-t)/${num(l.out!.duration)},0,1)`;
}

/** Opacity 0..1 from fades (1 when the layer neither fades in nor out). */
export function alphaExpr(l: Timed): string {
  const parts: string[] = [];
  if (l.in?.effect === 'fade') parts.push(inProgress(l));
  if (l.out?.effect === 'fade') parts.push(outProgress(l));
  return parts.length === 0 ? '1' : parts.join('*');
}

/** Offset in pixels along one axis from slides: layers slide by a quarter of the frame. */
export function slideExpr(l: Timed, axis: 'x' | 'y', frame: number): string {
  const distance = num(frame * 0.25);
  const parts: string[] = [];
  const sign = (effect: string, entering: boolean): number => {
    const forward = axis === 'x' ? 'slide-right' : 'slide-down';
    const backward = axis === 'x' ? 'slide-left' : 'slide-up';
    if (effect !== forward && effect !== backward) return 0;
    // Entering with slide-left comes in from the right (+); leaving with slide-left goes left (-).
    const towardsLow = effect === backward;
    return entering === towardsLow ? 1 : -1;
  };
  if (l.in) {
    const s = sign(l.in.effect, true);
    if (s !== 0) parts.push(`${s * Number(distance)}*(1-${inProgress(l)})`);
  }
  if (l.out) {
    const s = sign(l.out.effect, false);
    if (s !== 0) parts.push(`${s * Number(distance)}*(1-${outProgress(l)})`);
  }
  return parts.length === 0 ? '0' : parts.join('+');
}

/** fade filters (alpha) for an RGBA overlay stream whose clock is the scene's. */
export function fadeFilters(l: Timed): string[] {
  const out: string[] = [];
  if (l.in?.effect === 'fade') out.push(`fade=t=in:st=${num(l.start)}:d=${num(l.in.duration)}:alpha=1`);
  if (l.out?.effect === 'fade')
    out.push(`fade=t=out:st=${num(l.end - l.out.duration)}:d=${num(l.out.duration)}:alpha=1`);
  return out;
}

/** '#rrggbb' or '#rrggbbaa' as ffmpeg writes colours. */
export function ffColor(hex: string): string {
  return `0x${hex.slice(1)}`;
}
