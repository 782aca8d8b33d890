import { FramefleetError, show } from '../../errors.js';
import type { MontageLayout } from './payloads.js';

/**
 * The layout fitted to the music's decoded audio (`musicSec`: the samples its beat analysis read,
 * from the audio's first sample, where its beats are counted from), not its header's length, which
 * the plan had: an MP3's states its encoder delay and padding too (10.971 s for 10.930 s of sound),
 * a file cut short states what it lost. Without `--duration` the montage is as long as the music
 * really is; a `--duration` longer than that is refused (before any render). Pure.
 */
export function fitToMusic(layout: MontageLayout, musicSec: number): MontageLayout {
  if (layout.requestedSec !== undefined) {
    if (musicSec + 1e-3 < layout.requestedSec) {
      throw new FramefleetError(
        'MUSIC_TOO_SHORT',
        `music ${show(layout.music)} holds ${musicSec.toFixed(3)} s of audio, shorter than the requested duration of ${layout.requestedSec} s`,
      );
    }
    return layout;
  }
  // Whole frames that the audio covers (the epsilon: 10.9 s at 30 fps is 327 frames, not 326).
  const totalFrames = Math.floor(musicSec * layout.fps + 1e-6);
  return totalFrames === layout.totalFrames ? layout : { ...layout, totalFrames };
}
