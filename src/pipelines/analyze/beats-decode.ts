import type { PcmMix, PcmStream } from '../../media/decode-pcm.js';
import { startPcmFast } from '../../media/wav-pcm.js';

/**
 * The rate beats are analysed at: onsets up to its Nyquist of 5.5 kHz (kick, snare body, the
 * lower half of hi-hats) are plenty for beats, and it is a quarter of the decode and FFT work of
 * 44.1 kHz. The onset envelope keeps its 86 frames per second (hop 128).
 */
export const BEAT_SAMPLE_RATE = 11025;

/**
 * Starts the decode that beat analysis reads. Kept apart from the analysis so that a command can
 * start it before loading anything else (see src/cli/early-decode.ts). `mix`: see PcmDecodeOptions.
 */
export function startBeatsDecode(path: string, signal?: AbortSignal, mix: PcmMix = 'sum'): PcmStream {
  return startPcmFast({ path, sampleRate: BEAT_SAMPLE_RATE, signal, mix });
}
