import { describe, expect, it } from 'vitest';
import {
  audioIntermediate,
  autoCopies,
  containerHolds,
  type AudioContainer,
} from '../../src/media/audio-containers.js';
import { audioArgs } from '../../src/media/segment-args.js';
import { transcodeTasks, type TranscodeLayout } from '../../src/pipelines/transcode/layout.js';
import { audioMode } from '../../src/pipelines/transcode/plan-audio.js';

// What ffmpeg 5.1 muxes by `-c:a copy` at the default strictness (tried codec by codec).
const HOLDS: [string, mp4: boolean, mov: boolean, matroska: boolean][] = [
  ['aac', true, true, true],
  ['mp3', true, true, true],
  ['ac3', true, true, true],
  ['eac3', true, true, true],
  ['alac', true, true, true],
  ['opus', true, false, true],
  ['vorbis', false, false, true],
  ['flac', false, false, true],
  ['truehd', false, false, true],
  ['pcm_s16le', false, true, true],
  ['pcm_s24le', false, true, true],
  ['pcm_s24be', false, true, true],
  ['pcm_f32be', false, true, false],
  ['pcm_s16le_planar', false, false, false],
  ['pcm_u16le', false, false, false],
  // Found by a trial: Matroska refuses these by copy (no tag, or unplayable after the muxer).
  ['gsm', false, true, false],
  ['adpcm_ima_qt', false, true, false],
  ['wmav2', false, false, false],
  ['speex', false, false, true],
];

describe('audio codecs and containers', () => {
  it.each(HOLDS)('%s: mp4 %s, mov %s, matroska %s', (codec, mp4, mov, matroska) => {
    expect(containerHolds('mp4', codec)).toBe(mp4);
    expect(containerHolds('mov', codec)).toBe(mov);
    expect(containerHolds('matroska', codec)).toBe(matroska);
  });

  it.each([
    ['aac', { format: 'mp4', extension: 'm4a' }],
    ['opus', { format: 'mp4', extension: 'm4a' }],
    ['pcm_s24le', { format: 'mov', extension: 'mov' }],
    ['flac', { format: 'matroska', extension: 'mka' }],
    ['vorbis', { format: 'matroska', extension: 'mka' }],
  ])('the audio task writes %s into %o', (codec, file) => {
    expect(audioIntermediate(codec)).toEqual(file);
  });

  it('every codec an output may take by copy has an audio file that holds it', () => {
    for (const [codec] of HOLDS) {
      if (!(['mp4', 'mov', 'matroska'] as const).some((c) => containerHolds(c, codec))) continue;
      expect(containerHolds(audioIntermediate(codec).format, codec), codec).toBe(true);
    }
  });

  it.each([
    ['mp4', 'aac', true],
    ['mp4', 'opus', false],
    ['mp4', 'pcm_s16le', false],
    ['mov', 'pcm_s16le', true],
    ['mov', 'opus', false],
    ['matroska', 'flac', true],
    ['matroska', 'pcm_u16le', false],
    ['matroska', 'gsm', false],
    ['matroska', 'adpcm_ima_qt', false],
  ] as [AudioContainer, string, boolean][])('auto into %s copies %s: %s', (container, codec, copies) => {
    expect(autoCopies(container, codec)).toBe(copies);
  });

  it('audio task arguments name the container (MP4 for plans made before it was chosen)', () => {
    const job = { input: '/i', mode: 'copy' as const, bitrateKbps: 160, output: '/a' };
    expect(audioArgs({ ...job, format: 'mov' }).join(' ')).toContain('-f mov -y /a');
    expect(audioArgs(job).join(' ')).toContain('-f mp4 -y /a');
  });
});

describe('the planner decides the audio', () => {
  const spec = { input: '/in.mkv', output: '/out.mov' };

  it('copy of a codec the output holds; auto and aac as asked', () => {
    expect(audioMode({ ...spec, audio: 'copy' }, 'pcm_s16le', 'mov')).toBe('copy');
    expect(audioMode({ ...spec, audio: 'auto' }, 'pcm_s16le', 'mp4')).toBe('aac');
    expect(audioMode({ ...spec, audio: 'aac' }, 'aac', 'mp4')).toBe('aac');
  });

  it('a copy the output cannot hold is a usage error naming codec and container', () => {
    expect(() => audioMode({ ...spec, audio: 'copy' }, 'opus', 'mov')).toThrow(
      expect.objectContaining({
        code: 'AUDIO_COPY_UNSUPPORTED',
        status: 422,
        fatal: true,
        message: expect.stringMatching(/the opus audio .* MOV output `\/out\.mov`.*or a \.mkv output$/),
      }),
    );
  });

  it('the audio task and its key follow the codec it copies', () => {
    const layout = {
      format: 'matroska',
      frames: 75,
      fps: 25,
      rate: { num: 25, den: 1 },
      width: 160,
      height: 90,
      encoder: 'libx264',
      device: 'cpu',
      settings: { quality: 70, preset: 'fast', gopFrames: 50 },
      keyframes: [0],
      videoOffsetSec: 0,
      normaliseVfr: false,
      prefix: 'jobs/x/',
      input: '/in.mov',
      output: '/out.mkv',
      audio: { mode: 'copy', codec: 'pcm_s16le', bitrateKbps: 160, offsetSec: 0 },
    } as unknown as TranscodeLayout;
    const ranges = [0, 1].map((i) => ({ index: i, start: i * 40, end: Math.min(75, i * 40 + 40) }));
    const audio = (l: TranscodeLayout) =>
      transcodeTasks(l, ranges as never).find((t) => t.kind === 'transcode.audio')!.payload;
    expect(audio(layout)).toMatchObject({ format: 'mov', key: 'jobs/x/audio.mov' });
    const aac = { ...layout, audio: { ...layout.audio!, mode: 'aac' as const } };
    expect(audio(aac)).toMatchObject({ format: 'mp4', key: 'jobs/x/audio.m4a' });
    // A layout planned before the codec was kept: the MP4 file it always was.
    const { codec: _, ...old } = layout.audio!;
    expect(audio({ ...layout, audio: old })).toMatchObject({ format: 'mp4', key: 'jobs/x/audio.m4a' });
  });
});
