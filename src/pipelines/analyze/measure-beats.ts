import { analyzeBeats, type BeatOptions, type BeatResult } from '../../analysis/beats/index.js';
import { FramefleetError, show } from '../../errors.js';
import { decodePcm } from '../../media/decode-pcm.js';
import { probe } from '../../media/probe.js';

/** The rate beats are analysed at: enough for onsets up to 8 kHz, half the work of 44.1 kHz. */
export const BEAT_SAMPLE_RATE = 22050;

/** Decodes an audio or video file's sound and finds its beats. */
export async function analyzeBeatsFile(
  path: string,
  options: BeatOptions & { signal?: AbortSignal } = {},
): Promise<BeatResult & { source: { path: string } }> {
  // The probe names what is wrong with a bad input; the decode need not wait for it (two process
  // start-ups overlap), but stops when the probe refuses the file.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const decoding = decodePcm({ path, sampleRate: BEAT_SAMPLE_RATE, signal });
  decoding.catch(() => undefined);
  try {
    const info = await probe(path, { signal: options.signal, headerOnly: true });
    if (!info.audio)
      throw new FramefleetError(
        'NO_AUDIO_STREAM',
        `input ${show(path)} has no audio stream to find beats in`,
      );
  } catch (error) {
    stop.abort();
    throw error;
  }
  const samples = await decoding;
  if (samples.length === 0)
    throw new FramefleetError('INPUT_CORRUPT', `input ${show(path)} decoded to no audio samples`);
  return { ...analyzeBeats(samples, BEAT_SAMPLE_RATE, options), source: { path } };
}
