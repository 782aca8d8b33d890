import type { EncodeSettings } from '../../media/encoders/catalogue.js';
import type { Rational } from '../../media/rational.js';
import type { Frame } from './scene-graph.js';
import type { Scene } from './spec.js';

/** Frames [start, end) of one scene, on the scene's own frame count. */
export interface ScenePart {
  scene: Scene;
  sceneIndex: number;
  start: number;
  end: number;
}

interface Encode {
  frame: Frame;
  encoder: string;
  settings: EncodeSettings;
  /** Storage key of the encoded piece. */
  key: string;
}

/** A crossfade: the end of one scene and the start of the next, drawn and blended. */
export interface Crossfade {
  from: ScenePart;
  to: ScenePart;
}

/** One piece of the timeline: a scene's frames outside its crossfades, or a crossfade. */
export type Piece = ScenePart | Crossfade;

export function isCrossfade(piece: Piece): piece is Crossfade {
  return 'from' in piece;
}

/**
 * Consecutive pieces of the timeline drawn and encoded by one task (one ffmpeg): a long scene
 * alone, short ones together. start/end (0 and the frame count) make the segment verifier apply.
 */
export interface ScenesPayload extends Encode {
  index: number;
  pieces: Piece[];
  start: number;
  end: number;
  /**
   * The pixelAspect (media/cover.ts) of each spec path that is a video of non-square pixels (an
   * anamorphic source), found when the plan checked the file; absent for square pixels and stills.
   */
  pixelAspects?: { path: string; aspect: Rational }[];
}

/** An audio source: a path from the spec (confined) or a file the plan stored (narration). */
export type AudioSource = { path: string } | { key: string };

export interface AudioTrack {
  source: AudioSource;
  /** Timeline seconds. */
  start: number;
  volume: number;
  fadeIn: number;
  fadeOut: number;
  loop: boolean;
}

export interface MixPayload {
  tracks: AudioTrack[];
  durationSec: number;
  key: string;
}
