import {
  beatsOfEnvelope,
  OnsetStream,
  onsetEnvelope,
  type BeatOptions,
  type BeatResult,
} from '../../analysis/beats/index.js';
import type { OnsetEnvelope } from '../../analysis/beats/onset-strength.js';
import { loudestDbfs, SILENCE_DBFS } from '../../analysis/beats/rhythm-confidence.js';
import { FramefleetError, show } from '../../errors.js';
import type { PcmStream } from '../../media/decode-pcm.js';
import { undecodableInput } from '../../media/decode-failure.js';
import { probe } from '../../media/probe.js';
import { BEAT_SAMPLE_RATE, startBeatsDecode } from './beats-decode.js';

export { BEAT_SAMPLE_RATE } from './beats-decode.js';

/**
 * How much louder (energy ratio, 10 dB) the difference of a track's two channels must be than
 * their sum for the beats to be looked for in it: a normal stereo mix has its side (L - R) well
 * under its middle (L + R); one whose channels are in antiphase (R = -L: a wiring fault, a
 * "wide" effect) has a sum that cancels to silence, or to a lossy codec's residue.
 */
export const ANTIPHASE_RATIO = 10;

type Options = BeatOptions & { signal?: AbortSignal; decode?: PcmStream };
type Found = { result: BeatResult; env: OnsetEnvelope; warnings: readonly string[] };

/**
 * Decodes an audio or video file's sound and finds its beats. The onset envelope is computed from
 * the samples as they are decoded (by ffmpeg, or read here from a plain WAV); `decode` is one
 * already started for this file (the CLI starts it before it loads the analysis), taken over with
 * its cancellation. Where the mono mix has no beat (or is quiet), and the difference of the channels is far
 * louder than it (they are in antiphase), the beats are those of the difference, with a warning;
 * the good path decodes once.
 */
export async function analyzeBeatsFile(
  path: string,
  options: Options = {},
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
  let found = (await beatsOf(path, pcm, options, true))!;
  if (found.result.tempo === null || loudestDbfs(found.env.rms) < QUIET_DBFS) {
    const side = await differenceOf(path, found.env, options);
    if (side && energy(side.env.rms) > ANTIPHASE_RATIO * energy(found.env.rms)) {
      found = {
        ...side,
        warnings: [
          ...side.warnings,
          `the channels of input ${show(path)} cancel out when mixed to mono (one is inverted: antiphase); the beats were looked for in their difference (left minus right)`,
        ],
      };
    }
  }
  const warnings = found.warnings.length ? { warnings: [...found.warnings] } : {};
  return { ...found.result, ...warnings, source: { path } };
}

/**
 * The beats of one decode's samples. A decode that fails or yields nothing is refused, naming what
 * is wrong; undefined instead where `refuse` is false (and it was not cancelled).
 */
async function beatsOf(
  path: string,
  pcm: PcmStream,
  options: Options,
  refuse: boolean,
  watch?: (samples: Float32Array) => void,
): Promise<Found | undefined> {
  const { signal } = options;
  const stream = new OnsetStream(BEAT_SAMPLE_RATE, options);
  pcm.pipeTo((samples) => {
    stream.push(samples);
    watch?.(samples);
  });
  // One process on the good path: ffprobe runs only when the decode fails or yields nothing, to
  // name what is wrong (no audio stream, a corrupt file) instead of ffmpeg's own words.
  let count: number;
  try {
    count = await pcm.done;
  } catch (error) {
    if (signal?.aborted) throw error;
    if (!refuse) return undefined;
    // A bad input already named (a WAV header's field) needs no probe.
    if (!(error instanceof FramefleetError && error.code === 'INPUT_CORRUPT'))
      await refuseWithoutAudio(path, signal);
    throw undecodableInput(path, error);
  }
  if (count === 0) {
    if (!refuse) return undefined;
    await refuseWithoutAudio(path, signal);
    throw new FramefleetError('INPUT_CORRUPT', `input ${show(path)} decoded to no audio samples`);
  }
  const env = onsetEnvelope(stream.finish());
  const result = beatsOfEnvelope(env, count, BEAT_SAMPLE_RATE, options);
  return { result, env, warnings: pcm.warnings ?? [] };
}

/**
 * A sum whose loudest frame is under this (dBFS) is checked for antiphase even where it has beats:
 * a lossy codec's residue of a cancelled mix (AAC: about -33 dBFS at its peak) keeps some of the
 * drums' rhythm, at the wrong level. Mastered music peaks far above it.
 */
const QUIET_DBFS = -26;

/** Seconds of the difference decoded before it is given up where it is not the louder. */
const DIFFERENCE_TRIAL_SEC = 20;
/** The energy of SILENCE_DBFS. */
const AUDIBLE = 10 ** (SILENCE_DBFS / 10);

/**
 * The beats of the difference of the channels (a second decode, only for a track the sum found
 * no beat in); undefined where there is none (a mono file), it cannot be decoded, or its first
 * DIFFERENCE_TRIAL_SEC are not ANTIPHASE_RATIO louder than the sum's (speech, a drone: their
 * second decode stops there, however long the file).
 */
function differenceOf(path: string, sum: OnsetEnvelope, options: Options): Promise<Found | undefined> {
  const pcm = startBeatsDecode(path, options.signal, 'difference');
  const trial = DIFFERENCE_TRIAL_SEC * BEAT_SAMPLE_RATE;
  let squares = 0;
  let count = 0;
  const watch = (samples: Float32Array) => {
    if (count >= trial) return;
    for (const v of samples) squares += v * v;
    count += samples.length;
    if (count < trial) return;
    // The sum audible there, and the difference not far louder: a normal track.
    const sumEnergy = energy(sum.rms.subarray(0, Math.max(1, Math.floor(count / sum.hop))));
    if (sumEnergy > AUDIBLE && squares / count <= ANTIPHASE_RATIO * sumEnergy) pcm.abort();
  };
  return beatsOf(path, pcm, options, false, watch);
}

/** Mean energy of frames (their RMS squared). */
function energy(rms: Float64Array): number {
  let sum = 0;
  for (const v of rms) sum += v * v;
  return rms.length ? sum / rms.length : 0;
}

async function refuseWithoutAudio(path: string, signal: AbortSignal | undefined): Promise<void> {
  const info = await probe(path, { signal, headerOnly: true });
  if (!info.audio)
    throw new FramefleetError('NO_AUDIO_STREAM', `input ${show(path)} has no audio stream to find beats in`);
}
