import type { Readable } from 'node:stream';
import { show } from '../errors.js';
import { guardedInput, runFfmpeg } from './run.js';

export interface PcmDecodeOptions {
  path: string;
  /** Output rate; the analysis works at 22050 Hz. */
  sampleRate?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** ffmpeg arguments that decode the first audio stream to mono float PCM on stdout. Pure. */
export function pcmDecodeArgs(options: Pick<PcmDecodeOptions, 'path' | 'sampleRate'>): string[] {
  return [
    ...guardedInput(options.path),
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    // Downmix to mono: beats are in the sum of the channels.
    '-ac',
    '1',
    '-ar',
    String(options.sampleRate ?? 22050),
    '-f',
    'f32le',
    '-c:a',
    'pcm_f32le',
    'pipe:1',
  ];
}

/** Decodes an audio (or video) file's first audio stream to mono Float32 samples. */
export async function decodePcm(options: PcmDecodeOptions): Promise<Float32Array> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const consume = async (stdout: Readable) => {
    for await (const chunk of stdout as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      bytes += chunk.length;
    }
  };
  await runFfmpeg(pcmDecodeArgs(options), {
    consumeStdout: consume,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    label: `decode audio of ${show(options.path)}`,
  });
  // One copy into a fresh, aligned buffer; f32le is the host order on every platform we run on.
  const samples = new Float32Array(Math.floor(bytes / 4));
  const view = new Uint8Array(samples.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    view.set(chunk.subarray(0, Math.min(chunk.length, view.length - offset)), offset);
    offset += chunk.length;
    if (offset >= view.length) break;
  }
  return samples;
}
