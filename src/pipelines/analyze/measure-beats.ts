import { analyzeBeats, type BeatOptions, type BeatResult } from '../../analysis/beats/index.js';
import { FramefleetError, show } from '../../errors.js';
import { decodePcm } from '../../media/decode-pcm.js';
import { probe } from '../../media/probe.js';

/**
 * The rate beats are analysed at: onsets up to its Nyquist of 5.5 kHz (kick, snare body, the
 * lower half of hi-hats) are plenty for beats, and it is a quarter of the decode and FFT work of
 * 44.1 kHz. The onset envelope keeps its 86 frames per second (hop 128).
 */
export const BEAT_SAMPLE_RATE = 11025;

/** Decodes an audio or video file's sound and finds its beats. */
export async function analyzeBeatsFile(
  path: string,
  options: BeatOptions & { signal?: AbortSignal } = {},
): Promise<BeatResult & { source: { path: string } }> {
  // One process on the good path: ffprobe runs only when the decode fails or yields nothing, to
  // name what is wrong (no audio stream, a corrupt file) instead of ffmpeg's own words.
  let samples: Float32Array;
  try {
    samples = await decodePcm({ path, sampleRate: BEAT_SAMPLE_RATE, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    await refuseWithoutAudio(path, options.signal);
    throw error;
  }
  if (samples.length === 0) {
    await refuseWithoutAudio(path, options.signal);
    throw new FramefleetError('INPUT_CORRUPT', `input ${show(path)} decoded to no audio samples`);
  }
  return { ...analyzeBeats(samples, BEAT_SAMPLE_RATE, options), source: { path } };
}

async function refuseWithoutAudio(path: string, signal: AbortSignal | undefined): Promise<void> {
  const info = await probe(path, { signal, headerOnly: true });
  if (!info.audio)
    throw new FramefleetError('NO_AUDIO_STREAM', `input ${show(path)} has no audio stream to find beats in`);
}
