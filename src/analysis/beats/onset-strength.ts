import { scratch } from '../../wasm/dsp.js';
import { chordChange } from './chord-change.js';
import { OnsetStream, type MelFrames, type OnsetOptions } from './onset-stream.js';

export interface OnsetEnvelope {
  /** Frames per second of the envelope and energy curves. */
  frameRate: number;
  hop: number;
  /** Spectral flux of the log-mel spectrogram, one value per frame. */
  onset: Float64Array;
  /** RMS level per frame, linear 0..1. */
  rms: Float64Array;
  /** Linear mel power below 150 Hz (kick, bass) and above 2.5 kHz (snare, hats) per frame. */
  low: Float64Array;
  high: Float64Array;
  /**
   * Harmonic change per frame: spectral flux (400-2000 Hz, above most bass notes and their first harmonics) of the log-mel spectrogram after a
   * median over time removes drum hits (HPSS-lite): chord and bass changes, the bar's evidence.
   */
  harmonic: Float64Array;
  /** How far the chord's pitch classes change at each frame (chord-change.ts). */
  chords: Float64Array;
}

/** Dynamic range kept below the loudest mel cell; quieter detail is noise, not onsets. */
const TOP_DB = 80;
/**
 * How far back a chord is remembered (seconds): longer than a chord struck again within its bar
 * (half a bar at 80 BPM is 1.5 s, but the chord sounds between the strikes), shorter than the bar
 * of a fast waltz (1.07 s at 168 BPM) so the chord before the last is forgotten. Measured on 108
 * tonal tracks (the beat bench's and 48 more random grooves): the harmony's period is the bar in
 * 102, against 82 comparing each frame with the one before alone (half and quarter bars from
 * re-struck chords); 1.25 s measured alike, 1.5 s lost a track.
 */
const CHORD_MEMORY_SEC = 1;
/**
 * The share of the plain frame-to-frame change kept beside it: a chord that shares two notes with
 * the one before adds one new band, a chord that shares none three, and bars of unequal change
 * make the harmony repeat at two bars. 0.15-0.25 measured alike on the bench (a fast waltz's bar
 * is its bar again); 0.35 brings the re-struck chords' half bars back.
 */
const STEP_SHARE = 0.2;
/**
 * How far (dB) the tonal level may fall under the last second's loudest before the frame's shape
 * stops counting: softer strums between loud ones (a guitar's up strums, high strings first) and
 * the tail between strikes colour the same chord differently, and a strummed folk song read them
 * as a chord change every half bar (with 8 dB or more). 3 dB held dying chords and moved bar
 * starts in 6/8; 4.5-7 measured alike on the bench, its 48 more grooves and a new user's songs.
 */
const GAP_DB = 5.5;
/** Tonal detail this far below the loudest cell is room tone and drum tails, not harmony. */
const HARMONIC_RANGE_DB = 35;

/**
 * Onset strength: positive change of the log-mel spectrogram from frame to frame, summed over
 * bands (librosa's onset_strength, Ellis 2007). Frames are centred on t * hop.
 */
export function onsetStrength(
  samples: Float32Array,
  sampleRate: number,
  options: OnsetOptions = {},
): OnsetEnvelope {
  const stream = new OnsetStream(sampleRate, options);
  stream.push(samples);
  return onsetEnvelope(stream.finish());
}

/** The onset envelope of spectra computed as the samples arrived (see OnsetStream). */
export function onsetEnvelope(mel: MelFrames): OnsetEnvelope {
  const { frames, bandCount, logMel, loudest, centres, hop, sampleRate } = mel;
  const floor = loudest - TOP_DB;
  // The levels in the kernels' scratch memory: the flux and the harmony read them there.
  const cells = frames * bandCount;
  const tonal = Int32Array.from(
    Array.from(centres.keys()).filter((b) => centres[b]! >= 400 && centres[b]! <= 2000),
  );
  const frameRate = sampleRate / hop;
  // Chords need no 12 ms resolution: pool 4 frames (46 ms), then a median over +-0.25 s.
  const pool = 4;
  const pooled = Math.ceil(frames / pool);
  const half = Math.max(1, Math.round((0.25 * frameRate) / pool));
  const width = tonal.length;
  const { dsp, at } = scratch({
    levels: 8 * cells,
    onset: 8 * frames,
    bands: 4 * width,
    coarse: 8 * pooled * width,
    sorted: 8 * (2 * half + 1),
    filtered: 8 * pooled * width,
    pooledLevels: 8 * pooled,
    band: 8 * pooled,
    flux: 8 * pooled,
    loud: 4 * (pooled + 3),
    up: 4 * (pooled + 3),
    down: 4 * (pooled + 3),
    harmonic: 8 * frames,
  });
  dsp.f64(at.levels, cells).set(logMel.subarray(0, cells));
  // The mean rise of the floored levels from each frame to the next (wasm/dsp.ts flux). Before the
  // first frame is silence (the frames are zero-padded there too): music that starts at once has
  // its onset at frame 0, as it would after a silent intro.
  dsp.kernels.flux(at.levels, frames, bandCount, floor, at.onset);
  const onset = dsp.f64(at.onset, frames).slice();
  new Int32Array(dsp.kernels.memory.buffer, at.bands, width).set(tonal);
  dsp.f64(at.flux, pooled).fill(0);
  // Harmonic change (wasm/dsp.ts harmonicChange): the flux of the time-median-filtered log-mel
  // bands of the tonal range; a drum hit lasts less than half the median's window and vanishes
  // from it, a chord held for longer stays. Each frame's shape, not its level: the same chord
  // struck again, or dying away, moves every band alike and changes nothing; a new chord moves
  // energy from some bands to others. A frame GAP_DB under the loudest of the last
  // CHORD_MEMORY_SEC (a softer strum, the tail between strikes) keeps the shape before it: the same
  // chord, heard less well. The change is measured against the range each band held over the last
  // CHORD_MEMORY_SEC, not only the frame before: a chord struck again (a skank, a comp on every
  // beat) returns to a shape just heard and adds little; a new chord lifts bands above anything
  // they held, or drops them below it (plus STEP_SHARE of the step from the frame before).
  dsp.kernels.harmonicChange(
    at.levels,
    frames,
    bandCount,
    at.bands,
    width,
    loudest - HARMONIC_RANGE_DB,
    pool,
    half,
    Math.max(1, Math.round((CHORD_MEMORY_SEC * frameRate) / pool)),
    GAP_DB,
    STEP_SHARE,
    at.coarse,
    at.sorted,
    at.filtered,
    at.pooledLevels,
    at.band,
    at.flux,
    at.loud,
    at.up,
    at.down,
    at.harmonic,
  );
  const harmonic = dsp.f64(at.harmonic, frames).slice();
  const { rms, low, high } = mel;
  const chords = chordChange(mel.chroma, frames, frameRate);
  return { frameRate, hop, onset, rms, low, high, harmonic, chords };
}
