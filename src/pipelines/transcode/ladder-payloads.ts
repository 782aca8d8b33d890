import type { Rational } from '../../media/rational.js';
import type { PackageType } from './ladder-spec.js';

/** One rendition of a ladder, resolved against the source: its size and video bitrate. */
export interface Rung {
  /** Folder and id part: `720p`. */
  name: string;
  width: number;
  height: number;
  bitrateKbps: number;
}

/**
 * Frames [start, end) of the source, decoded once and encoded at every rung: whole segments, so
 * every segment starts with an IDR in every rung.
 */
export interface ChunkPayload {
  input: string;
  index: number;
  start: number;
  end: number;
  /** Frames per media segment: an IDR every this many frames, counted from frame 0 of the source. */
  segmentFrames: number;
  rate: Rational;
  videoOffsetSec: number;
  /** The video stream's start (rangeInput; absent in plans made before it). */
  videoStartSec?: number;
  /** Cut mid-GOP: a range decoded from the first packet starts at `videoStartSec` by time (rangeInput). */
  cutMidGop?: boolean;
  normaliseVfr: boolean;
  /** The filter that deinterlaces the chunk before it is cut (rangeInput; absent: none). */
  deinterlace?: string;
  /** The filter that scales a source that changes size to its first size (rangeInput; absent: none). */
  fitSize?: string;
  /** The source keyframe decoding starts from (absent: an accurate seek, or plans made before it). */
  seekKey?: number;
  /** A container without a keyframe index: the source keyframe decoding starts before (seekFrom). */
  seekBefore?: number;
  /** A variable frame rate in a container without a keyframe index: the decode's pre-roll (vfrPreRoll). */
  preRollSec?: number;
  encoder: string;
  preset: 'fast' | 'balanced' | 'quality';
  /** Each rung, whether it is scaled from the source (false when the sizes are equal), and its key. */
  rungs: { rung: Rung; scale: boolean; key: string }[];
}

/** One rung's part of a chunk: a video-only MP4 of the chunk's frames. */
export interface ChunkPart {
  rung: string;
  key: string;
  size: number;
}

export interface ChunkOutput {
  frames: number;
  parts: ChunkPart[];
}

/** HLS AES-128: where the key file is and the URI written into the playlists. */
export interface HlsKey {
  file: string;
  uri: string;
}

/** Concatenates one rung's parts of every chunk (stream copy) and cuts them into CMAF segments + a media playlist. */
export interface PackagePayload {
  rung: Rung;
  chunkTasks: string[];
  segmentSeconds: number;
  /** Where the muxer cuts: half a frame under the segment length, so each forced IDR starts one. */
  cutSeconds: number;
  frames: number;
  codec: string;
  /** Storage prefix the rendition's files are published under. */
  prefix: string;
  hlsKey?: HlsKey | undefined;
}

/** The job's audio, encoded once (AAC) and packaged as its own rendition. */
export interface LadderAudioPayload {
  input: string;
  bitrateKbps: number;
  segmentSeconds: number;
  /** How much audio to encode: the video's length less one AAC frame of padding (absent in plans made before). */
  durationSec?: number;
  /**
   * Where the renditions start, on the source's container timeline, seconds (absent in plans made
   * before: 0): the audio before it is cut, as a plain transcode cuts its own (audioPlacement).
   */
  videoOffsetSec?: number;
  prefix: string;
  hlsKey?: HlsKey | undefined;
}

export interface StoredFile {
  name: string;
  key: string;
  size: number;
}

/** A packaged rendition: its files (init, segments, playlist) in storage. */
export interface RenditionOutput {
  name: string;
  files: StoredFile[];
  segments: number;
}

/** Verifies every rendition together, writes the master playlist / MPD and publishes the tree. */
export interface PublishPayload {
  input: string;
  output: string;
  overwrite: boolean;
  packages: PackageType[];
  renditions: { task: string; rung: Rung }[];
  audioTask: string | undefined;
  frames: number;
  rate: Rational;
  segmentFrames: number;
  segmentSeconds: number;
  encoder: string;
  hlsKey: HlsKey | undefined;
}

/** The result of a ladder transcode (the fields of a stitched output, plus the ladder). */
export interface LadderOutput {
  output: string;
  manifests: string[];
  frames: number;
  /** Bytes of the first manifest (the master playlist), which a re-verification checks. */
  size: number;
  /** Bytes of every file published: manifests, playlists, init and media segments, the key. */
  totalBytes?: number;
  videoDurationSec: number;
  audioDurationSec: number | undefined;
  encoder: string;
  /** Media segments of each video rendition (aligned: the same in every one). */
  segments: number;
  /** Media segments of the audio rendition (absent in older records, and without audio). */
  audioSegments?: number;
  renditions: { name: string; width: number; height: number; bandwidth: number; codecs: string }[];
  /** SHA-256 of the published manifests and rendition playlists (absent in older records). */
  digest?: string;
}
