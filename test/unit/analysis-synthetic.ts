import type { FrameLayout } from '../../src/analysis/scenes/index.js';

/** Synthetic YUV 4:2:0 frames for detector tests: each shot a moving pattern in its own colours. */
export const LAYOUT: FrameLayout = { width: 64, height: 36 };

export interface ShotLook {
  seed: number;
  /** Pixels per frame of horizontal motion. */
  speed: number;
}

export function shotFrame(look: ShotLook, t: number, layout: FrameLayout = LAYOUT, flash = 0): Uint8Array {
  const { width: w, height: h } = layout;
  const frame = new Uint8Array(w * h * 1.5);
  const fx = 0.1 + (look.seed % 5) * 0.07;
  const fy = 0.15 + (look.seed % 3) * 0.09;
  const base = 60 + ((look.seed * 37) % 120);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = base + 50 * Math.sin((x + look.speed * t) * fx) * Math.cos(y * fy + look.seed);
      frame[y * w + x] = clamp(v + flash);
    }
  }
  const cu = 60 + ((look.seed * 53) % 140);
  const cv = 60 + ((look.seed * 91) % 140);
  const c = (w >> 1) * (h >> 1);
  for (let i = 0; i < c; i++) {
    const x = i % (w >> 1);
    frame[w * h + i] = clamp(cu + 10 * Math.sin((x + (look.speed * t) / 2) * fx));
    frame[w * h + c + i] = clamp(cv);
  }
  return frame;
}

export function blendFrames(a: Uint8Array, b: Uint8Array, alpha: number): Uint8Array {
  return Uint8Array.from(a, (v, i) => Math.round(v * (1 - alpha) + b[i]! * alpha));
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** A sequence: shot A 40 frames, hard cut, shot B 40 frames with a 2-frame flash at 20, dissolve of 20 frames into shot C (40), cut to fast shot D (60): cuts at 40 and 140. */
export function syntheticReel(): {
  frames: Uint8Array[];
  cuts: number[];
  flash: number;
  dissolve: [number, number];
} {
  const A = { seed: 1, speed: 0.5 };
  const B = { seed: 2, speed: 1 };
  const C = { seed: 3, speed: 0.3 };
  const D = { seed: 4, speed: 6 };
  const frames: Uint8Array[] = [];
  for (let t = 0; t < 40; t++) frames.push(shotFrame(A, t));
  for (let t = 0; t < 40; t++) frames.push(shotFrame(B, t, LAYOUT, t === 20 || t === 21 ? 90 : 0));
  for (let t = 0; t < 20; t++) frames.push(blendFrames(shotFrame(B, 40 + t), shotFrame(C, t), (t + 1) / 21));
  for (let t = 20; t < 60; t++) frames.push(shotFrame(C, t));
  for (let t = 0; t < 60; t++) frames.push(shotFrame(D, t));
  return { frames, cuts: [40, 140], flash: 60, dissolve: [80, 100] };
}
