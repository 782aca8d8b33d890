import { describe, expect, it } from 'vitest';
import { fitToMusic } from '../../src/pipelines/montage/music-fit.js';
import type { MontageLayout } from '../../src/pipelines/montage/payloads.js';
import { musicArgs } from '../../src/pipelines/montage/render-args.js';

const layout = (totalFrames: number, requestedSec?: number): MontageLayout => ({
  clips: ['/c.mp4'],
  music: '/m.mp3',
  output: '/o.mp4',
  overwrite: false,
  format: 'mp4',
  fps: 30,
  totalFrames,
  requestedSec,
  width: 256,
  height: 144,
  seed: 1,
  lut: undefined,
  stabilize: false,
  encoder: 'libx264',
  settings: { quality: 23, preset: 'balanced', gopFrames: 60 },
  audioBitrateKbps: 192,
  edl: undefined,
  otio: undefined,
  storyboard: '/o.storyboard.jpg',
  prefix: 'jobs/x/',
});

describe('fitToMusic', () => {
  it.each([
    // Found by a new user's trial: the header's 10.971 s made 329 frames of 10.930 s of audio.
    { name: 'an MP3 header counting its padding', planned: 329, decoded: 10.93, frames: 327 },
    { name: 'an MP3 cut short (6.2 s of 14.6)', planned: 438, decoded: 6.218, frames: 186 },
    { name: 'a header that agrees', planned: 300, decoded: 10.0, frames: 300 },
    { name: 'whole frames exactly (10.9 s)', planned: 329, decoded: 10.9, frames: 327 },
    { name: 'a header shorter than the sound', planned: 290, decoded: 10.0, frames: 300 },
  ])('without --duration, is as long as the decoded music: $name', ({ planned, decoded, frames }) => {
    expect(fitToMusic(layout(planned), decoded).totalFrames).toBe(frames);
  });

  it('keeps a --duration the music holds', () => {
    const asked = layout(300, 10);
    expect(fitToMusic(asked, 10.93)).toBe(asked);
    // Within 1 ms of its end: the music task pads the rest.
    expect(fitToMusic(asked, 9.9995)).toBe(asked);
  });

  it('refuses a --duration past the decoded music, naming both', () => {
    expect(() => fitToMusic(layout(300, 10), 6.218)).toThrow(
      expect.objectContaining({
        code: 'MUSIC_TOO_SHORT',
        message: 'music `/m.mp3` holds 6.218 s of audio, shorter than the requested duration of 10 s',
      }),
    );
  });
});

describe('musicArgs', () => {
  it('counts from the audio first sample and pads to the exact length', () => {
    const args = musicArgs({
      music: '/m.mp3',
      durationSec: 10.9,
      fadeSec: 1,
      bitrateKbps: 192,
      output: '/o',
    });
    const chain = args[args.indexOf('-af') + 1]!.split(',');
    // Before the trim: a late start (a video's sound, an MP3's encoder delay) is not cut off.
    expect(chain.indexOf('asetpts=PTS-STARTPTS')).toBe(0);
    expect(chain.indexOf('apad=whole_dur=10.900000')).toBeGreaterThan(chain.indexOf('aresample=48000'));
    expect(chain.lastIndexOf('atrim=end=10.900000')).toBeGreaterThan(
      chain.indexOf('apad=whole_dur=10.900000'),
    );
  });
});
