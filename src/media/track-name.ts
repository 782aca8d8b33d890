import { show } from '../errors.js';

/** Which of a file's audio tracks a message is about: its number among them (from 1) and its stream. */
export interface AudioTrackRef {
  position: number;
  index: number;
  language?: string | undefined;
}

/** An audio track as a message names it: track 2 (stream 3, language `fra`), `und` being none. Pure. */
export function trackName(track: AudioTrackRef): string {
  const language = track.language && track.language !== 'und' ? `, language ${show(track.language)}` : '';
  return `track ${track.position} (stream ${track.index}${language})`;
}

/**
 * Said where a job reads one audio track of a file that has more (montage music): which track it
 * uses (the first) and which it leaves out. Undefined for one track or none. Pure.
 */
export function firstTrackOnly(
  what: string,
  tracks: readonly Omit<AudioTrackRef, 'position'>[],
  use: string,
): string | undefined {
  if (tracks.length < 2) return undefined;
  const named = tracks.map((track, i) => trackName({ ...track, position: i + 1 }));
  return `${what} has ${tracks.length} audio tracks: ${use} ${named[0]!} and leaves out ${named.slice(1).join(', ')}`;
}
