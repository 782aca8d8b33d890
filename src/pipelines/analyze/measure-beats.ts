import {
  beatsOfEnvelope,
  OnsetStream,
  onsetEnvelope,
  type BeatOptions,
  type BeatResult,
} from '../../analysis/beats/index.js';
import { FramefleetError, show } from '../../errors.js';
import type { PcmStream } from '../../media/decode-pcm.js';
import { probe } from '../../media/probe.js';
import { BEAT_SAMPLE_RATE, startBeatsDecode } from './beats-decode.js';

export { BEAT_SAMPLE_RATE } from './beats-decode.js';

/**
 * Decodes an audio or video file's sound and finds its beats. The onset envelope is computed from
 * the samples as they are decoded (by ffmpeg, or read here from a plain WAV); `decode` is one
 * already started for this file (the CLI starts it before it loads the analysis), taken over with
 * its cancellation.
 */
export async function analyzeBeatsFile(
  path: string,
  options: BeatOptions & { signal?: AbortSignal; decode?: PcmStream } = {},
): Promise<BeatResult & { source: { path: string } }> {
  const { signal } = options;
  let pcm = options.decode;
  if (pcm && (pcm.path !== path || pcm.sampleRate !== BEAT_SAMPLE_RATE)) {
    pcm.abort();
    pcm = undefined;
  }
  if (pcm) {
    const stop = pcm.abort;
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    const settled = () => signal?.removeEventListener('abort', stop);
    pcm.done.then(settled, settled);
  } else pcm = startBeatsDecode(path, signal);
  const stream = new OnsetStream(BEAT_SAMPLE_RATE, options);
  pcm.pipeTo((samples) => stream.push(samples));
  // One process on the good path: ffprobe runs only when the decode fails or yields nothing, to
  // name what is wrong (no audio stream, a corrupt file) instead of ffmpeg's own words.
  let count: number;
  try {
    count = await pcm.done;
  } catch (error) {
    if (signal?.aborted) throw error;
    await refuseWithoutAudio(path, signal);
    throw error;
  }
  if (count === 0) {
    await refuseWithoutAudio(path, signal);
    throw new FramefleetError('INPUT_CORRUPT', `input ${show(path)} decoded to no audio samples`);
  }
  const env = onsetEnvelope(stream.finish());
  const warnings = pcm.warnings?.length ? { warnings: [...pcm.warnings] } : {};
  return { ...beatsOfEnvelope(env, count, BEAT_SAMPLE_RATE, options), ...warnings, source: { path } };
}

async function refuseWithoutAudio(path: string, signal: AbortSignal | undefined): Promise<void> {
  const info = await probe(path, { signal, headerOnly: true });
  if (!info.audio)
    throw new FramefleetError('NO_AUDIO_STREAM', `input ${show(path)} has no audio stream to find beats in`);
}
