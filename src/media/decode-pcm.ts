import type { Readable } from 'node:stream';
import { show } from '../errors.js';
import { guardedInput, runFfmpeg } from './run.js';

const DEFAULT_RATE = 22050;

export interface PcmDecodeOptions {
  path: string;
  /** Output rate; the analysis works at 22050 Hz. */
  sampleRate?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * How two channels become one: 'sum' (the default: ffmpeg's downmix, (L + R) / sqrt 2) or
   * 'difference' ((L - R) / sqrt 2 at the same gain: what a stereo track whose channels are in
   * antiphase holds, its sum cancelling to silence). More channels are first mixed to stereo; a
   * mono source has no difference (silence).
   */
  mix?: PcmMix;
}

export type PcmMix = 'sum' | 'difference';

/** The difference of the first two channels at the gain of ffmpeg's stereo-to-mono sum. */
const DIFFERENCE_FILTER = 'aformat=channel_layouts=stereo,pan=mono|c0=0.70710678*c0-0.70710678*c1';

/** ffmpeg arguments that decode the first audio stream to mono float PCM on stdout. Pure. */
export function pcmDecodeArgs(options: Pick<PcmDecodeOptions, 'path' | 'sampleRate' | 'mix'>): string[] {
  return [
    ...guardedInput(options.path),
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    // Downmix to mono: beats are in the sum of the channels (or their difference, when asked).
    ...(options.mix === 'difference' ? ['-af', DIFFERENCE_FILTER] : ['-ac', '1']),
    '-ar',
    String(options.sampleRate ?? DEFAULT_RATE),
    '-f',
    'f32le',
    '-c:a',
    'pcm_f32le',
    'pipe:1',
  ];
}

/** A decode under way: samples arrive in chunks while ffmpeg runs. */
export interface PcmStream {
  readonly path: string;
  readonly sampleRate: number;
  /**
   * Hands every chunk decoded so far, then each one as it arrives, to `sink` (one sink; chunks
   * arriving before it are held). A chunk may alias memory reused for the next one: copy to keep.
   */
  pipeTo(sink: (samples: Float32Array) => void): void;
  /** Resolves with the number of samples once ffmpeg has exited cleanly; rejects as runFfmpeg does. */
  readonly done: Promise<number>;
  /** Stops the decode (as an aborted signal does). */
  abort(): void;
  /** What the user should know about the input once `done` resolves (a file cut short). */
  readonly warnings?: readonly string[];
}

/**
 * A PcmStream over `produce`, which hands samples to `deliver` as it makes them (chunks may alias
 * memory it reuses) and settles when done. Chunks arriving before the sink are held (copied);
 * `options.signal` aborts the signal `produce` is given; `done` resolves with the samples delivered.
 */
export function pcmStream(
  options: Pick<PcmDecodeOptions, 'path' | 'signal'> & { sampleRate: number },
  produce: (deliver: (samples: Float32Array) => void, signal: AbortSignal) => Promise<unknown>,
): PcmStream {
  const controller = new AbortController();
  const { signal } = options;
  const forward = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', forward, { once: true });
  let sink: ((samples: Float32Array) => void) | undefined;
  const held: Float32Array[] = [];
  let count = 0;
  const deliver = (samples: Float32Array) => {
    count += samples.length;
    if (!samples.length) return;
    if (sink) sink(samples);
    else held.push(samples.slice());
  };
  const done = produce(deliver, controller.signal).then(() => count);
  // A long-lived signal (a job's) does not collect one listener per decode; and a decode nobody
  // waits for (the command failed before it took it) is no unhandled rejection.
  const settled = () => signal?.removeEventListener('abort', forward);
  done.then(settled, settled);
  return {
    path: options.path,
    sampleRate: options.sampleRate,
    pipeTo(next) {
      if (sink) throw new Error('a PCM stream has one sink');
      sink = next;
      for (const samples of held.splice(0)) next(samples);
    },
    done,
    abort: () => controller.abort(),
  };
}

/**
 * Starts decoding a file's first audio stream to mono Float32 samples and hands them over as
 * they come, so that the work on them overlaps the decode and no copy of the whole signal is made.
 */
export function startPcm(options: PcmDecodeOptions): PcmStream {
  const sampleRate = options.sampleRate ?? DEFAULT_RATE;
  return pcmStream({ ...options, sampleRate }, (deliver, signal) => {
    // A pipe chunk need not end on a sample: up to 3 bytes wait for the next one.
    const carry = new Uint8Array(4);
    let carried = 0;
    let scratch = new Float32Array(0);
    const consume = async (stdout: Readable) => {
      for await (const chunk of stdout as AsyncIterable<Buffer>) {
        let bytes: Uint8Array = chunk;
        if (carried > 0) {
          const fill = Math.min(4 - carried, bytes.length);
          carry.set(bytes.subarray(0, fill), carried);
          carried += fill;
          bytes = bytes.subarray(fill);
          if (carried < 4) continue;
          deliver(new Float32Array(carry.buffer, 0, 1));
          carried = 0;
        }
        const whole = bytes.length >> 2;
        if (whole > 0) {
          // f32le is the host order on every platform we run on; an unaligned chunk is copied once.
          if (bytes.byteOffset % 4 === 0) deliver(new Float32Array(bytes.buffer, bytes.byteOffset, whole));
          else {
            if (scratch.length < whole) scratch = new Float32Array(whole);
            new Uint8Array(scratch.buffer).set(bytes.subarray(0, 4 * whole));
            deliver(scratch.subarray(0, whole));
          }
        }
        carried = bytes.length - 4 * whole;
        carry.set(bytes.subarray(4 * whole));
      }
    };
    return runFfmpeg(pcmDecodeArgs(options), {
      consumeStdout: consume,
      signal,
      timeoutMs: options.timeoutMs,
      label: `decode audio of ${show(options.path)}`,
      writesNoFile: true,
    });
  });
}

/** Decodes an audio (or video) file's first audio stream to mono Float32 samples. */
export async function decodePcm(options: PcmDecodeOptions): Promise<Float32Array> {
  const pcm = startPcm(options);
  const chunks: Float32Array[] = [];
  pcm.pipeTo((samples) => chunks.push(samples.slice()));
  const samples = new Float32Array(await pcm.done);
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return samples;
}
