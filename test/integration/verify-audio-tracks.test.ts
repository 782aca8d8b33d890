import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOutput } from '../../src/media/verify.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

const AAC_FRAME = 1024 / 44_100;
const expectation = (secondGap: number) => ({
  frames: 75,
  sourceAvGapSec: 0,
  audioFrameSec: AAC_FRAME,
  moreAudio: [{ sourceAvGapSec: secondGap, audioFrameSec: AAC_FRAME }],
});

// An output's every audio track is held to the video as the first is: a second track 2 s short of
// the video, where the source's was as long as it, is a failed output naming that track.
describe('verifyOutput checks every audio track against the video', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-verify-tracks-'));
    const args = [
      ...['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=3'],
      ...['-f', 'lavfi', '-i', 'sine=d=3', '-f', 'lavfi', '-i', 'sine=f=660:d=1'],
      ...['-map', '0', '-map', '1', '-map', '2', ...FAST_X264, '-c:a', 'aac'],
      ...['-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra'],
    ];
    // MP4: verified from its moov in-process; Matroska: from ffprobe.
    await Promise.all(['short.mp4', 'short.mkv'].map((name) => ffmpeg([...args, join(dir, name)])));
  });
  afterAll(async () => cleanup());

  it.each(['short.mp4', 'short.mkv'])(
    '%s: a second track shorter than its source is refused',
    async (name) => {
      const path = join(dir, name);
      await expect(verifyOutput(path, expectation(0))).rejects.toThrow(
        expect.objectContaining({
          code: 'VERIFY_FAILED',
          message: expect.stringMatching(
            /audio track 2 \(stream 2, language `fra`\) and video durations disagree: audio 1\.0\d+ s, video 3\.0\d+ s; .* in the source 0\.0000 s/,
          ),
        }),
      );
    },
  );

  it.each(['short.mp4', 'short.mkv'])('%s: a second track as short as its source passes', async (name) => {
    const checked = await verifyOutput(join(dir, name), expectation(-2));
    expect(checked.frames).toBe(75);
    expect(checked.audioDurationSec).toBeCloseTo(3, 1);
  });

  it('an output with fewer audio tracks than the source is refused', async () => {
    const two = expectation(-2);
    const three = { ...two, moreAudio: [...two.moreAudio, { sourceAvGapSec: 0, audioFrameSec: AAC_FRAME }] };
    await expect(verifyOutput(join(dir, 'short.mp4'), three)).rejects.toThrow(
      /has 2 audio tracks, expected 3 \(the source's\)$/,
    );
  });
});
