import type { EncodeSettings } from '../../media/encoders/catalogue.js';
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

/** A scene's frames outside its crossfades; start/end make the transcode segment verifier apply. */
export interface ScenePayload extends Encode, ScenePart {
  index: number;
}

/** A crossfade: the end of one scene and the start of the next, drawn and blended as one piece. */
export interface TransitionPayload extends Encode {
  index: number;
  from: ScenePart;
  to: ScenePart;
  /** Frames of the piece (the overlap); start/end for the segment verifier. */
  start: number;
  end: number;
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
