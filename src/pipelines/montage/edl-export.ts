import { basename } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Edl, EdlEntry } from './edl.js';

/** What an export names besides the edit: the clips by index, the music, a title. */
export interface ExportSources {
  title: string;
  clips: readonly string[];
  music: string;
}

/** SMPTE non-drop timecode of a frame at an integer timecode base. */
export function timecode(frame: number, base: number): string {
  const f = Math.max(0, Math.round(frame));
  const two = (n: number) => String(n).padStart(2, '0');
  const frames = f % base;
  const secs = Math.floor(f / base);
  return `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}:${two(frames)}`;
}

/**
 * Free text as one EDL line: control characters (CR, LF, tab, NEL) and Unicode line breaks become
 * `_`, so a file name cannot end its comment and start a forged event. Pure.
 */
export function edlText(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, '_');
}

/** A clip's source frame as a frame on the timeline's rate (what a cut-only EDL counts in). */
function sourceOnTimeline(entry: EdlEntry, clipFps: number, fps: number): number {
  return Math.round((entry.sourceStart * fps) / clipFps);
}

/**
 * CMX3600: one cut event per entry on V, reel AX with the clip's file name in a FROM CLIP NAME
 * comment (how file-based editors relink), and the music as one event on A. Non-drop frame at the
 * rounded rate: a 29.97 timeline counts 30 per timecode second, as NDF does.
 */
export function toCmx3600(edl: Edl, sources: ExportSources, clipFps: readonly number[]): string {
  const base = Math.round(edl.fps);
  const title = edlText(sources.title).slice(0, 70);
  const lines = [`TITLE: ${title}`, 'FCM: NON-DROP FRAME', ''];
  let n = 0;
  for (const entry of edl.entries) {
    const length = entry.recordEnd - entry.recordStart;
    const srcIn = sourceOnTimeline(entry, clipFps[entry.clip] ?? edl.fps, edl.fps);
    lines.push(
      event(++n, 'V', [srcIn, srcIn + length, entry.recordStart, entry.recordEnd], base),
      `* FROM CLIP NAME: ${edlText(basename(sources.clips[entry.clip] ?? ''))}`,
      '',
    );
  }
  lines.push(
    event(n + 1, 'A', [0, edl.totalFrames, 0, edl.totalFrames], base),
    `* FROM CLIP NAME: ${edlText(basename(sources.music))}`,
    '',
  );
  return lines.join('\n');
}

function event(n: number, track: 'V' | 'A', tc: [number, number, number, number], base: number): string {
  const number = String(n).padStart(3, '0');
  return `${number}  AX       ${track.padEnd(5)} C        ${tc.map((f) => timecode(f, base)).join(' ')}`;
}

type Json = Record<string, unknown>;

function rationalTime(value: number, rate: number): Json {
  return { OTIO_SCHEMA: 'RationalTime.1', rate, value };
}

function timeRange(start: number, duration: number, rate: number): Json {
  return {
    OTIO_SCHEMA: 'TimeRange.1',
    duration: rationalTime(duration, rate),
    start_time: rationalTime(start, rate),
  };
}

function clip(name: string, path: string, range: Json, metadata: Json): Json {
  return {
    OTIO_SCHEMA: 'Clip.1',
    effects: [],
    markers: [],
    media_reference: {
      OTIO_SCHEMA: 'ExternalReference.1',
      available_range: null,
      metadata: {},
      name: name,
      target_url: pathToFileURL(path).href,
    },
    metadata,
    name,
    source_range: range,
  };
}

function track(name: string, kind: 'Video' | 'Audio', children: Json[]): Json {
  return {
    OTIO_SCHEMA: 'Track.1',
    children,
    effects: [],
    kind,
    markers: [],
    metadata: {},
    name,
    source_range: null,
  };
}

/**
 * OpenTimelineIO JSON: a Timeline of one video track (a clip per entry, ranges at the timeline
 * rate, the file as an ExternalReference) and one audio track (the music). Entries carry their beat,
 * energy and motion under `metadata.framefleet`.
 */
export function toOtio(edl: Edl, sources: ExportSources, clipFps: readonly number[]): string {
  const rate = edl.fps;
  const video = edl.entries.map((e) => {
    const path = sources.clips[e.clip] ?? '';
    const start = (e.sourceStart * rate) / (clipFps[e.clip] ?? rate);
    return clip(basename(path), path, timeRange(start, e.recordEnd - e.recordStart, rate), {
      framefleet: {
        entry: e.index,
        clip: e.clip,
        shot: e.shot,
        beat: e.beat,
        energy: e.energy,
        motion: e.motion,
      },
    });
  });
  const music = clip(basename(sources.music), sources.music, timeRange(0, edl.totalFrames, rate), {});
  const timeline = {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: { framefleet: { seed: edl.seed, fps: edl.fps, totalFrames: edl.totalFrames } },
    name: sources.title,
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      children: [track('V1', 'Video', video), track('A1', 'Audio', [music])],
      effects: [],
      markers: [],
      metadata: {},
      name: 'tracks',
      source_range: null,
    },
  };
  return `${JSON.stringify(timeline, null, 2)}\n`;
}

/** One video clip as an .otio file describes it: what a round trip compares. */
export interface OtioCut {
  path: string;
  /** Start in the source and length, in frames at the timeline rate. */
  sourceStart: number;
  frames: number;
  /** Position on the track, frames (the sum of the clips before it). */
  recordStart: number;
}

/** Reads the first video track of an .otio document back into cuts (ours and any editor's). */
export function readOtioCuts(text: string): { rate: number; cuts: OtioCut[] } {
  const doc = JSON.parse(text) as Json;
  const tracks = (doc.tracks as Json | undefined)?.children as Json[] | undefined;
  const video = tracks?.find((t) => t.kind === 'Video');
  if (!video) throw new Error('the .otio document has no video track');
  let at = 0;
  let rate = 0;
  const cuts: OtioCut[] = [];
  for (const item of video.children as Json[]) {
    const range = item.source_range as Json;
    const duration = range.duration as { rate: number; value: number };
    const start = range.start_time as { rate: number; value: number };
    rate = duration.rate;
    if (String(item.OTIO_SCHEMA).startsWith('Clip.')) {
      const ref = item.media_reference as Json;
      cuts.push({
        path: fileURLToPath(String(ref.target_url)),
        sourceStart: (start.value * rate) / start.rate,
        frames: duration.value,
        recordStart: at,
      });
    }
    at += duration.value;
  }
  return { rate, cuts };
}
