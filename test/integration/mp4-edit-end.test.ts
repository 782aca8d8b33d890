import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runFfprobe } from '../../src/media/run.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// A variable-rate MP4 (30, then 10, then 30 fps, a 1/1200 track time scale) whose edit ends 0.4
// of a track unit after its last sample starts: ffmpeg rounds the edit's length to whole units and
// discards that sample, the in-process sample table kept it. A new user's trial: "191 source frames
// become 1072" for a file that decodes to 190. Small: 160x90, about 2 s.
describe('MP4 sample table: a sample at the edit list’s rounded end', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-edit-end-')));
  afterAll(async () => cleanup());

  it('is not counted, as ffmpeg discards it', async () => {
    const path = join(dir, 'vfr.mp4');
    const part = (source: string, frames: number, name: string) =>
      `${source},format=yuv420p,trim=end_frame=${frames},settb=1/120,setpts=PTS-STARTPTS[${name}]`;
    await ffmpeg([
      '-filter_complex',
      [
        part('testsrc2=s=160x90:r=30', 30, 'a'),
        part('mandelbrot=s=160x90:r=10', 7, 'b'),
        part('rgbtestsrc=s=160x90:r=30', 15, 'c'),
        '[a][b][c]concat=n=3:v=1:a=0[v]',
      ].join(';'),
      ...['-map', '[v]', '-fps_mode', 'passthrough', '-c:v', 'libx264', '-preset', 'veryfast'],
      ...['-video_track_timescale', '1200', path],
    ]);
    const { stdout } = await runFfprobe(
      [
        '-count_frames',
        '-select_streams',
        'v',
        '-show_entries',
        'stream=nb_read_frames',
        '-of',
        'csv=p=0',
        path,
      ],
      { timeoutMs: 30_000, label: 'count frames' },
    );
    const decoded = Number(stdout.toString().trim());
    expect(decoded).toBe(51);
    const video = (await probe(path)).video!;
    expect(video.frameCount).toBe(decoded);
    expect(video.frameTimes?.length ?? decoded).toBe(decoded);
  });
});
