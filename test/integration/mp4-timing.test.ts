import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMoov } from '../../src/media/mp4-samples.js';
import { mp4Timing } from '../../src/media/mp4-timing.js';
import { probe } from '../../src/media/probe.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

const video = (rate: string, seconds: number) => [
  '-f',
  'lavfi',
  '-i',
  `testsrc2=s=160x90:r=${rate}:d=${seconds}`,
];
const tone = (rate: number, seconds: number) => ['-f', 'lavfi', '-i', `sine=r=${rate}:d=${seconds}`];

// Files as ffmpeg's muxer writes them: what framefleet verifies its outputs from, in-process.
const FILES: Record<string, string[]> = {
  'b-frames-ntsc-longer-audio.mp4': [
    ...video('30000/1001', 2),
    ...tone(44100, 2.3),
    ...FAST_X264,
    '-bf',
    '3',
    '-preset',
    'fast',
    '-c:a',
    'aac',
  ],
  'shorter-audio-faststart.mp4': [
    ...video('25', 2),
    ...tone(48000, 1.5),
    ...FAST_X264,
    '-c:a',
    'aac',
    '-movflags',
    '+faststart',
  ],
  'late-audio.mp4': [...video('24', 2), '-itsoffset', '0.5', ...tone(48000, 1), ...FAST_X264, '-c:a', 'aac'],
  'late-video.mp4': ['-itsoffset', '0.3', ...video('24', 2), ...tone(48000, 3), ...FAST_X264, '-c:a', 'aac'],
  'mp3.mov': [...video('30', 2), ...tone(44100, 2), ...FAST_X264, '-c:a', 'libmp3lame'],
  'ac3-mpeg4.mp4': [...video('30', 2), ...tone(48000, 2), '-c:v', 'mpeg4', '-c:a', 'ac3'],
  'video-only-60.mp4': [...video('60', 1), ...FAST_X264],
  'two-audio-tracks.mp4': [
    ...video('25', 2),
    ...tone(48000, 2),
    ...tone(44100, 1.2),
    ...['-map', '0', '-map', '1', '-map', '2', ...FAST_X264, '-c:a', 'aac'],
  ],
};

describe('MP4 stream timing from the moov, as ffprobe reports it', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-mp4-timing-'));
    await Promise.all(Object.entries(FILES).map(([name, args]) => ffmpeg([...args, join(dir, name)])));
  });
  afterAll(async () => cleanup());

  for (const name of Object.keys(FILES)) {
    it(name, async () => {
      const path = join(dir, name);
      const timing = mp4Timing((await readMoov(path))!);
      const info = await probe(path, { headerOnly: true });
      expect(timing).toBeDefined();
      expect(timing!.video.startSec).toBeCloseTo(info.video!.startTimeSec, 5);
      expect(timing!.video.durationSec).toBeCloseTo(info.video!.durationSec, 5);
      expect(timing!.audio === undefined).toBe(info.audio === undefined);
      if (!info.audio) return;
      expect(timing!.audio!.startSec).toBeCloseTo(info.audio.startTimeSec, 5);
      expect(timing!.audio!.durationSec).toBeCloseTo(info.audio.durationSec, 5);
      expect(timing!.audioTracks).toHaveLength(info.audioTracks.length);
      timing!.audioTracks.forEach((track, i) => {
        expect(track.startSec).toBeCloseTo(info.audioTracks[i]!.startTimeSec, 5);
        expect(track.durationSec).toBeCloseTo(info.audioTracks[i]!.durationSec, 5);
      });
    });
  }

  it('leaves an edit list ffmpeg writes for a cut copy (several edits) to ffprobe', async () => {
    const cut = join(dir, 'cut.mp4');
    await ffmpeg(['-i', join(dir, 'b-frames-ntsc-longer-audio.mp4'), '-ss', '0.5', '-c', 'copy', cut]);
    const timing = mp4Timing((await readMoov(cut))!);
    const info = await probe(cut, { headerOnly: true });
    // Either it answers as ffprobe does, or not at all.
    if (timing) expect(timing.video.durationSec).toBeCloseTo(info.video!.durationSec, 5);
  });
});
