import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { FramefleetError, show } from '../errors.js';
import { Dsp } from '../wasm/dsp.js';
import { pcmStream, startPcm, type PcmDecodeOptions, type PcmMix, type PcmStream } from './decode-pcm.js';
import { killedBySignal } from './decode-failure.js';
import { mp3CutWarning, mp3Stated } from './mp3-header.js';
import { notAFile } from './probe.js';
import { Resampler } from './resample.js';
import {
  readWavFormat,
  readWavLayout,
  wavFormatProblem,
  wavToMono,
  type ReadAt,
  type WavLayout,
} from './wav.js';

/** Bytes read at a time: about 1.5 s of 44.1 kHz stereo 16-bit. */
const CHUNK = 1 << 18;

/**
 * `startPcm`, but a plain PCM or float WAV file (what audio tools export) is read and resampled
 * here instead of by ffmpeg, whose start-up (some 200 shared libraries) costs more than decoding a
 * song: `analyze beats` on a 30 s WAV takes a third less time. Anything else (other containers,
 * compressed or unusual WAVs, a path that is not a regular file) goes to ffmpeg as before, with
 * its input guards; a WAV whose header this reader accepts is only ever read as samples.
 */
export function startPcmFast(options: PcmDecodeOptions & { sampleRate: number }): PcmStream {
  const label = `decode audio of ${show(options.path)}`;
  const warnings: string[] = [];
  const stream = pcmStream(options, async (deliver, signal) => {
    const file = await native(options.path);
    if (!file) {
      const fallback = startPcm({ ...options, signal });
      fallback.pipeTo(deliver);
      // An MP3 cut short decodes cleanly to its end: only its own header can say more was meant.
      const stated = mp3Stated(options.path).catch(() => undefined);
      const count = await fallback.done.catch(async (error: unknown) => {
        throw await wavFailure(options.path, error);
      });
      const cut = mp3CutWarning(options.path, await stated, count / options.sampleRate);
      if (cut) warnings.push(cut);
      return;
    }
    const { promisedBytes, statedBytes, dataBytes, sampleRate, channels, bytes } = file.layout;
    const seconds = (n: number) => (n / (sampleRate * channels * bytes)).toFixed(1);
    // A mono file's channels have no difference: no samples (nothing to find in it).
    if (options.mix === 'difference' && channels === 1) return file.handle.close();
    if (statedBytes !== undefined)
      warnings.push(
        `input ${show(options.path)} has a damaged WAV header: it says the audio is ${statedBytes} bytes (${seconds(statedBytes)} s), but ${seconds(dataBytes - statedBytes)} s more follow that are no RIFF chunk; all ${seconds(dataBytes)} s were analysed`,
      );
    if (promisedBytes !== undefined) {
      warnings.push(
        `input ${show(options.path)} is cut short: its WAV header promises ${seconds(promisedBytes)} s of audio, the file holds ${seconds(dataBytes)} s; only those were analysed`,
      );
    }
    try {
      const resampler = new Resampler(file.layout.sampleRate, options.sampleRate);
      const frame = file.layout.bytes * file.layout.channels;
      const reader = monoReader(file.layout, Math.max(frame, CHUNK - (CHUNK % frame)), options.mix);
      const buffer = reader.bytes;
      let position = file.layout.dataOffset;
      const end = position + file.layout.dataBytes;
      while (position < end) {
        if (signal.aborted) throw new FramefleetError('CANCELLED', `${label} cancelled`);
        const want = Math.min(buffer.length, end - position);
        const { bytesRead } = await file.handle.read(buffer, 0, want, position);
        const whole = bytesRead - (bytesRead % frame);
        if (whole === 0) break;
        deliver(resampler.push(reader.mono(whole)));
        position += whole;
      }
      deliver(resampler.flush());
    } catch (error) {
      if (error instanceof FramefleetError) throw error;
      throw new FramefleetError('INPUT_CORRUPT', `${label} failed: ${(error as Error).message}`);
    } finally {
      await file.handle.close();
    }
  });
  return Object.assign(stream, { warnings });
}

/**
 * A buffer to read `size` bytes of samples into and what makes them mono: in WebAssembly memory for
 * 16-bit and float samples of one or two channels (wasm/dsp.ts downmix: compiled from the first
 * chunk), wavToMono for the other layouts.
 */
function monoReader(
  layout: WavLayout,
  size: number,
  mix: PcmMix | undefined,
): { bytes: Uint8Array; mono(length: number): Float32Array } {
  const frame = layout.bytes * layout.channels;
  const format = layout.float ? (layout.bytes === 4 ? 1 : -1) : layout.bytes === 2 ? 0 : -1;
  if (format < 0 || layout.channels > 2) {
    const bytes = new Uint8Array(size);
    const out = new Float32Array(size / frame);
    return { bytes, mono: (length) => wavToMono(bytes.subarray(0, length), layout, out, mix) };
  }
  const dsp = new Dsp();
  const [bytesAt, outAt] = [dsp.alloc(size), dsp.alloc(4 * (size / frame))];
  const difference = mix === 'difference' ? 1 : 0;
  return {
    bytes: new Uint8Array(dsp.kernels.memory.buffer, bytesAt, size),
    mono(length) {
      const frames = length / frame;
      dsp.kernels.downmix(bytesAt, frames, layout.channels, format, difference, outAt);
      return dsp.f32(outAt, frames);
    },
  };
}

/**
 * Seconds of audio in a WAV file this reader decodes (espeak-ng's narration), from its header in
 * the chunks walked as for reading it (a streamed writer's unset data size: the rest of the file);
 * undefined for any other file. Throws INPUT_NOT_A_FILE for a path that is no regular file.
 */
export async function wavDuration(path: string): Promise<number | undefined> {
  const opened = await native(path);
  if (!opened) return undefined;
  await opened.handle.close();
  const { layout } = opened;
  return layout.dataBytes / (layout.sampleRate * layout.channels * layout.bytes);
}

/** The open file and its layout when `path` is a regular file holding a WAV read here. */
async function native(path: string): Promise<{ handle: FileHandle; layout: WavLayout } | undefined> {
  // Non-blocking: opening a FIFO someone named as input must not wait for a writer (it is refused).
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  const stats = await handle.stat().catch(() => undefined);
  const kind = stats && notAFile(stats);
  if (kind) {
    await handle.close();
    throw new FramefleetError('INPUT_NOT_A_FILE', `input ${show(path)} is ${kind}, not a media file`);
  }
  try {
    const layout = stats && (await readWavLayout(reader(handle), stats.size));
    if (layout && layout.dataBytes > 0) return { handle, layout };
  } catch {
    // Unreadable here: ffmpeg will name the problem.
  }
  await handle.close();
  return undefined;
}

function reader(handle: FileHandle): ReadAt {
  return async (offset, length) => {
    const bytes = new Uint8Array(length);
    const { bytesRead } = await handle.read(bytes, 0, length, offset);
    return bytes.subarray(0, bytesRead);
  };
}

/**
 * ffmpeg's failure to decode a WAV file, as the bad input it is (INPUT_CORRUPT, not retried) with
 * the header field at fault and its value (wavFormatProblem) instead of ffmpeg's words; any other
 * error, and the failure of any other file, as it was (a timeout or cancellation keeps its own).
 */
async function wavFailure(path: string, error: unknown): Promise<unknown> {
  if (!(error instanceof FramefleetError) || !['FFMPEG_FAILED', 'INPUT_NOT_MEDIA'].includes(error.code))
    return error;
  if (killedBySignal(error)) return error;
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return error;
  try {
    const stats = await handle.stat();
    const format = stats.isFile() ? await readWavFormat(reader(handle), stats.size) : undefined;
    if (!format) return error;
    const said = `${error.message}\n${error.ffmpegTail ?? ''}`;
    const problem = wavFormatProblem(format, /codec none|Unknown (?:codec|format)/i.test(said));
    return new FramefleetError('INPUT_CORRUPT', `input ${show(path)} cannot be decoded: ${problem}`, {
      cause: error,
      ...(error.ffmpegTail ? { ffmpegTail: error.ffmpegTail } : {}),
    });
  } catch {
    return error;
  } finally {
    await handle.close();
  }
}
