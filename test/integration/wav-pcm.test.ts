import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePcm, type PcmMix } from '../../src/media/decode-pcm.js';
import { runFfmpeg } from '../../src/media/run.js';
import { readWavLayout } from '../../src/media/wav.js';
import { startPcmFast } from '../../src/media/wav-pcm.js';
import { CLI } from '../helpers/cli.js';
import { makeWorkDir } from './analysis-media.js';

let work: Awaited<ReturnType<typeof makeWorkDir>>;
beforeAll(async () => {
  work = await makeWorkDir();
});
afterAll(() => work.cleanup());

/** 2 s of a chord, a 3 kHz ping and clicks: content across the band beats are analysed in. */
async function makeWav(name: string, args: string[]): Promise<string> {
  const path = join(work.dir, name);
  const source =
    'aevalsrc=0.3*sin(2*PI*220*t)+0.2*sin(2*PI*3000*t)*lt(mod(t\\,0.5)\\,0.05)+0.3*lt(mod(t\\,0.25)\\,0.002):s=96000:d=2';
  await runFfmpeg(['-f', 'lavfi', '-i', source, ...args, '-y', path], { label: `make ${name}` });
  return path;
}

async function fastDecode(path: string, mix?: PcmMix): Promise<Float32Array> {
  const stream = startPcmFast({ path, sampleRate: 11_025, mix });
  const chunks: Float32Array[] = [];
  stream.pipeTo((samples) => chunks.push(samples.slice()));
  const out = new Float32Array(await stream.done);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Decodes with ffmpeg missing: only the native reader can succeed. */
async function withoutFfmpeg<T>(run: () => Promise<T>): Promise<T> {
  const saved = process.env.FFMPEG_PATH;
  process.env.FFMPEG_PATH = join(work.dir, 'no-ffmpeg-here');
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env.FFMPEG_PATH;
    else process.env.FFMPEG_PATH = saved;
  }
}

function relativeError(ours: Float32Array, theirs: Float32Array): number {
  let diff = 0;
  let power = 0;
  for (let i = 0; i < theirs.length; i++) {
    diff += (ours[i]! - theirs[i]!) ** 2;
    power += theirs[i]! ** 2;
  }
  return Math.sqrt(diff / power);
}

describe('WAV files are read without ffmpeg, with the samples ffmpeg would give', () => {
  // ffmpeg's resampler keeps the band up to 0.97 of the output's Nyquist frequency; a lower cut-off
  // (0.94) dimmed a snare's top octave, and a train beat's level came out 2:1 or 3:2 off in WAV
  // while right in FLAC. A 5.1 kHz tone at 11,025 Hz: 17 % from ffmpeg's samples then, 9 % now.
  it('keeps the top of the band as ffmpeg does', async () => {
    const path = join(work.dir, 'band-edge.wav');
    const source =
      'aevalsrc=0.3*sin(2*PI*220*t)+0.3*sin(2*PI*5100*t)+0.3*lt(mod(t\\,0.25)\\,0.002):s=44100:d=2';
    await runFfmpeg(['-f', 'lavfi', '-i', source, '-c:a', 'pcm_s16le', '-y', path], {
      label: 'make band-edge',
    });
    const theirs = await decodePcm({ path, sampleRate: 11_025 });
    const ours = await withoutFfmpeg(() => fastDecode(path));
    expect(relativeError(ours, theirs)).toBeLessThan(0.12);
  });

  it.each([
    ['s16 stereo 44.1 kHz', ['-af', 'pan=stereo|c0=c0|c1=0.3*c0', '-ar', '44100', '-c:a', 'pcm_s16le']],
    ['s24 mono 48 kHz', ['-ac', '1', '-ar', '48000', '-c:a', 'pcm_s24le']],
    ['s32 stereo 96 kHz', ['-ac', '2', '-ar', '96000', '-c:a', 'pcm_s32le']],
    ['f32 stereo 22.05 kHz', ['-ac', '2', '-ar', '22050', '-c:a', 'pcm_f32le']],
    ['f64 mono 16 kHz', ['-ac', '1', '-ar', '16000', '-c:a', 'pcm_f64le']],
    ['u8 mono 8 kHz', ['-ac', '1', '-ar', '8000', '-c:a', 'pcm_u8']],
  ])('%s', async (name, args) => {
    const path = await makeWav(`${name.replace(/\W+/g, '-')}.wav`, args);
    // ffmpeg writes WAVE_FORMAT_EXTENSIBLE headers for more than 16 bits or more than 48 kHz.
    const tag = (await readFile(path)).readUInt16LE(20);
    expect(tag).toBe(/s16|u8/.test(name) ? 1 : 0xfffe);
    const theirs = await decodePcm({ path, sampleRate: 11_025 });
    const ours = await withoutFfmpeg(() => fastDecode(path));
    expect(Math.abs(ours.length - theirs.length)).toBeLessThanOrEqual(1);
    // The two resamplers' filters differ a little near the band edge; 8-bit adds its own noise.
    expect(relativeError(ours, theirs)).toBeLessThan(name.startsWith('u8') ? 0.08 : 0.03);
  });

  // The difference of the channels (a track in antiphase) at the sum's gain, as ffmpeg's pan gives it.
  it.each([
    ['s16', 'pcm_s16le'],
    ['s24', 'pcm_s24le'],
    ['f32', 'pcm_f32le'],
  ])('%s stereo, the difference of its channels', async (name, codec) => {
    const path = await makeWav(`diff-${name}.wav`, ['-af', 'pan=stereo|c0=c0|c1=0.3*c0', '-c:a', codec]);
    const theirs = await decodePcm({ path, sampleRate: 11_025, mix: 'difference' });
    const ours = await withoutFfmpeg(() => fastDecode(path, 'difference'));
    expect(Math.abs(ours.length - theirs.length)).toBeLessThanOrEqual(1);
    expect(relativeError(ours, theirs)).toBeLessThan(0.03);
    const sum = await decodePcm({ path, sampleRate: 11_025 });
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    // (1 - 0.3) / (1 + 0.3) of the sum.
    expect(rms(ours) / rms(sum)).toBeCloseTo(0.7 / 1.3, 2);
  });

  it('reads a WAV written to a pipe (no data size in its header) to the end of the file', async () => {
    const piped = join(work.dir, 'piped.wav');
    const { stdout } = await runFfmpeg(
      ['-f', 'lavfi', '-i', 'sine=f=440:d=1:r=44100', '-c:a', 'pcm_s16le', '-f', 'wav', 'pipe:1'],
      { label: 'pipe a wav' },
    );
    await writeFile(piped, stdout);
    const ours = await withoutFfmpeg(() => fastDecode(piped));
    expect(ours.length).toBe(11_025);
    // A pipe's placeholder size is no promise broken: no warning.
    const stream = startPcmFast({ path: piped, sampleRate: 11_025 });
    stream.pipeTo(() => undefined);
    await stream.done;
    expect(stream.warnings).toEqual([]);
  });

  it('reads a WAV cut short to its end and says what the header promised', async () => {
    const whole = await makeWav('whole.wav', ['-ac', '1', '-ar', '44100', '-c:a', 'pcm_s16le']);
    const bytes = await readFile(whole);
    const layout = (await readWavLayout(async (at, n) => bytes.subarray(at, at + n), bytes.length))!;
    expect(layout.promisedBytes).toBeUndefined();
    // Half a second of the two kept: a copy or download that stopped early.
    const cut = join(work.dir, 'cut.wav');
    await writeFile(cut, bytes.subarray(0, layout.dataOffset + 44_100));
    const stream = startPcmFast({ path: cut, sampleRate: 11_025 });
    stream.pipeTo(() => undefined);
    expect(await stream.done).toBe(5_513);
    expect(stream.warnings).toEqual([
      `input \`${cut}\` is cut short: its WAV header promises 2.0 s of audio, the file holds 0.5 s; only those were analysed`,
    ]);
    // Through the CLI: said on stderr, carried in the JSON.
    const run = spawnSync(process.execPath, [CLI, 'analyze', 'beats', cut, '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('framefleet: warning: input');
    expect(run.stderr).toContain('is cut short');
    expect((JSON.parse(run.stdout) as { warnings: string[] }).warnings).toEqual(stream.warnings);
  });

  it.each([
    ['ADPCM in WAV', ['-ac', '1', '-ar', '44100', '-c:a', 'adpcm_ms'], 'adpcm.wav'],
    [
      '5.1 WAV (ffmpeg downmixes with its matrix)',
      ['-ac', '6', '-ar', '48000', '-c:a', 'pcm_s16le'],
      'six.wav',
    ],
    ['FLAC', ['-ac', '2', '-ar', '44100'], 'song.flac'],
  ])('leaves %s to ffmpeg', async (_name, args, file) => {
    const path = await makeWav(file, args);
    await expect(withoutFfmpeg(() => fastDecode(path))).rejects.toMatchObject({ code: 'FFMPEG_MISSING' });
    const theirs = await decodePcm({ path, sampleRate: 11_025 });
    expect(Array.from(await fastDecode(path))).toEqual(Array.from(theirs));
  });

  it('mixes a multitrack WAV of unnamed channels, which ffmpeg cannot, as their sum over the root of their count', async () => {
    const mono = await makeWav('track.wav', ['-ac', '1', '-ar', '44100', '-c:a', 'pcm_s16le']);
    const bytes = await readFile(mono);
    const layout = (await readWavLayout(async (at, n) => bytes.subarray(at, at + n), bytes.length))!;
    const samples = bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes);
    // Ten tracks of a field recorder's poly WAV (plain PCM, no speakers named): the sound on 4 and 8.
    const channels = 10;
    const poly = Buffer.alloc(samples.length * channels);
    for (let f = 0; f < samples.length / 2; f++)
      for (const c of [3, 7]) poly.writeInt16LE(samples.readInt16LE(2 * f), 2 * (f * channels + c));
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + poly.length, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(channels, 22);
    header.writeUInt32LE(44_100, 24);
    header.writeUInt32LE(44_100 * 2 * channels, 28);
    header.writeUInt16LE(2 * channels, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    header.writeUInt32LE(poly.length, 40);
    const path = join(work.dir, 'poly.wav');
    await writeFile(path, Buffer.concat([header, poly]));
    // ffmpeg has no matrix from ten unnamed channels to mono.
    await expect(decodePcm({ path, sampleRate: 11_025 })).rejects.toMatchObject({ code: 'FFMPEG_FAILED' });
    const ours = await withoutFfmpeg(() => fastDecode(path));
    const track = await withoutFfmpeg(() => fastDecode(mono));
    expect(ours.length).toBe(track.length);
    expect(
      relativeError(
        ours,
        track.map((v) => (2 / Math.sqrt(channels)) * v),
      ),
    ).toBeLessThan(1e-6);
    // Their difference is that of the first two (silent here).
    expect((await withoutFfmpeg(() => fastDecode(path, 'difference'))).every((v) => v === 0)).toBe(true);
  });

  it('reads past a damaged data size to the end of the file, and says so; a chunk or tag after the data is no damage', async () => {
    const whole = await makeWav('sized.wav', ['-ac', '1', '-ar', '44100', '-c:a', 'pcm_s16le']);
    const bytes = await readFile(whole);
    const { dataOffset } = (await readWavLayout(async (at, n) => bytes.subarray(at, at + n), bytes.length))!;
    const damaged = Buffer.from(bytes);
    damaged.writeUInt32LE(3, dataOffset - 4);
    const path = join(work.dir, 'damaged.wav');
    await writeFile(path, damaged);
    const stream = startPcmFast({ path, sampleRate: 11_025 });
    stream.pipeTo(() => undefined);
    expect(await stream.done).toBe(22_050);
    expect(stream.warnings).toEqual([
      `input \`${path}\` has a damaged WAV header: it says the audio is 3 bytes (0.0 s), but 2.0 s more follow that are no RIFF chunk; all 2.0 s were analysed`,
    ]);
    // One second of samples, then a LIST chunk or an appended ID3 tag of cover art larger than it.
    const oneSecond = Buffer.from(bytes.subarray(0, dataOffset + 88_200));
    oneSecond.writeUInt32LE(88_200, dataOffset - 4);
    const list = Buffer.alloc(8 + 200_000);
    list.write('LIST', 0);
    list.writeUInt32LE(200_000, 4);
    const id3 = Buffer.concat([Buffer.from('ID3\x04\0\0', 'latin1'), Buffer.alloc(200_000)]);
    for (const [name, tail] of [
      ['list.wav', list],
      ['id3.wav', id3],
    ] as const) {
      const file = Buffer.concat([oneSecond, tail]);
      const layout = await readWavLayout(async (at, n) => file.subarray(at, at + n), file.length);
      expect(layout, name).toMatchObject({ dataBytes: 88_200 });
      expect(layout?.statedBytes, name).toBeUndefined();
    }
  });

  it.each([
    ['a 2 GHz sample rate', 24, 2_000_000_000, 'its WAV header says its sample rate is 2000000000 Hz'],
    ['no channels', 22, 0, 'its WAV header says it has 0 channels'],
    [
      'an unknown format tag',
      20,
      0x9999,
      "its WAV header's format tag 0x9999 names no audio codec ffmpeg decodes",
    ],
    [
      'an MP3 tag over PCM samples',
      20,
      0x55,
      'its samples do not decode as the MP3 its WAV header names (format tag 0x0055, 1 channel, 44100 Hz, 16 bits)',
    ],
  ])(
    'refuses a WAV header with %s in one line naming the field, exit 2',
    async (name, offset, value, said) => {
      const good = await readFile(
        await makeWav('header.wav', ['-ac', '1', '-ar', '44100', '-c:a', 'pcm_s16le']),
      );
      const bad = Buffer.from(good);
      if (offset === 24) bad.writeUInt32LE(value, offset);
      else bad.writeUInt16LE(value, offset);
      const path = join(work.dir, `${name.replace(/\W+/g, '-')}.wav`);
      await writeFile(path, bad);
      const run = spawnSync(process.execPath, [CLI, 'analyze', 'beats', path], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr.trim()).toBe(
        `framefleet: error: input \`${path}\` cannot be decoded: ${said}${offset === 24 ? ' (WAV audio runs at up to 768 kHz)' : ''} [INPUT_CORRUPT]`,
      );
    },
  );

  it('refuses a FIFO named as input at once, without opening it for ffmpeg to wait on', async () => {
    const fifo = join(work.dir, 'fifo.wav');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const stream = startPcmFast({ path: fifo, sampleRate: 11_025 });
    await expect(stream.done).rejects.toMatchObject({
      code: 'INPUT_NOT_A_FILE',
      message: expect.stringContaining('is a named pipe (FIFO), not a media file'),
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('walks past metadata chunks of any size, and refuses headers it does not read itself', async () => {
    const chunk = (id: string, body: Buffer) => {
      const head = Buffer.alloc(8);
      head.write(id, 0);
      head.writeUInt32LE(body.length, 4);
      return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
    };
    const fmt = (format: number, channels: number, bits: number) => {
      const b = Buffer.alloc(16);
      b.writeUInt16LE(format, 0);
      b.writeUInt16LE(channels, 2);
      b.writeUInt32LE(44_100, 4);
      b.writeUInt32LE((44_100 * channels * bits) / 8, 8);
      b.writeUInt16LE((channels * bits) / 8, 12);
      b.writeUInt16LE(bits, 14);
      return chunk('fmt ', b);
    };
    const wav = (...chunks: Buffer[]) => {
      const riff = Buffer.from('RIFF\0\0\0\0WAVE', 'latin1');
      return Buffer.concat([riff, ...chunks]);
    };
    const layout = (file: Buffer, size = file.length) =>
      readWavLayout(async (offset, length) => file.subarray(offset, offset + length), size);
    const samples = chunk('data', Buffer.alloc(4000));
    // Cover art (an odd-sized ID3 chunk, padded) of 300 KB before the samples.
    const art = chunk('id3 ', Buffer.alloc(300_001));
    expect(await layout(wav(fmt(1, 2, 16), art, samples))).toMatchObject({
      channels: 2,
      bytes: 2,
      dataOffset: 12 + 24 + 300_010 + 8,
      dataBytes: 4000,
    });
    // A data size past the end of the file: to the end, whole frames.
    expect(await layout(wav(fmt(1, 2, 16), samples).subarray(0, 1046))).toMatchObject({ dataBytes: 1000 });
    expect(await layout(wav(fmt(2, 2, 16), samples))).toBeUndefined();
    expect(await layout(wav(fmt(1, 2, 12), samples))).toBeUndefined();
    expect(await layout(wav(fmt(3, 1, 16), samples))).toBeUndefined();
    expect(await layout(wav(fmt(1, 6, 16), samples))).toBeUndefined();
    expect(await layout(wav(fmt(1, 10, 16), samples))).toMatchObject({ channels: 10, dataBytes: 4000 });
    expect(await layout(wav(samples, fmt(1, 2, 16)))).toBeUndefined();
    expect(await layout(Buffer.from('RIFX\0\0\0\0WAVE', 'latin1'))).toBeUndefined();
    expect(await layout(wav(fmt(1, 2, 16)).subarray(0, 30))).toBeUndefined();
  });
});
