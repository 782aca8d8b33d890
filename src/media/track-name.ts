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
