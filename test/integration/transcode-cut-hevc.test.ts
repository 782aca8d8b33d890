import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { psnrByIndex } from '../../src/media/quality.js';
import { runCli } from '../helpers/cli.js';
import { flashAndBeep, flashToBeep } from '../helpers/flash-to-beep.js';
import { cutTs, ffmpeg, tempDir } from '../helpers/media.js';

// An HEVC TS cut mid-GOP failed the stitch's A/V check (VERIFY_FAILED after three tries) in one
// segment or several, where the H.264 one passed: ffmpeg's HEVC decoder shows the pictures before
// the first keyframe (grey, concealed from references it never had) where H.264's drops them, so
// the first segment counted them as the video's first frames. Only a CRA's RASL pictures are
// skipped. Small (320x180, 5 s, ultrafast): four transcodes of about a second each.
describe('transcode of an HEVC TS cut mid-GOP', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-cut-hevc-')));
  afterAll(async () => cleanup());

  const made = new Map<string, Promise<{ whole: string; cut: string }>>();
  const source = (gop: 'open' | 'closed') => made.get(gop) ?? made.set(gop, make(gop)).get(gop)!;
  /** The whole recording and the copy cut 2/5 in; `open`: open GOPs (CRA with RASL pictures), else IDRs. */
  async function make(gop: 'open' | 'closed'): Promise<{ whole: string; cut: string }> {
    const whole = join(dir, `hevc-${gop}.ts`);
    const cut = join(dir, `hevc-${gop}-cut.ts`);
    // A moving picture kept dark (every frame differs; only the flash is bright), a white frame and
    // a beep together at 3 s, GOPs of 30 frames with 3 B-frames.
    await ffmpeg([
      ...flashAndBeep('testsrc2=s=320x180:r=25:d=5,lutyuv=y=val/3', 5, 3),
      ...['-c:v', 'libx265', '-preset', 'ultrafast'],
      ...[
        '-x265-params',
        `keyint=30:min-keyint=30:bframes=3:scenecut=0:open-gop=${gop === 'open' ? 1 : 0}:log-level=error`,
      ],
      ...['-c:a', 'aac', '-f', 'mpegts', whole],
    ]);
    await cutTs(whole, cut, 2 / 5);
    return { whole, cut };
  }

  it.each([
    ['closed', 1],
    ['closed', 3],
    ['open', 1],
    ['open', 3],
  ] as const)(
    '%s GOPs, %i segment(s): starts at its first keyframe, frames right, in sync, warned',
    async (gop, segments) => {
      const { whole, cut } = await source(gop);
      const [src, full] = await Promise.all([probe(cut), probe(whole)]);
      expect(src.video!.undecodableLead).toBeGreaterThan(0);
      const output = join(dir, `hevc-${gop}-${segments}.mp4`);
      const r = await runCli([
        ...['transcode', cut, '-o', output, '--segments', String(segments), '--preset', 'fast'],
        ...['--data-dir', join(dir, `data-${gop}-${segments}`)],
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/starts mid-GOP: its first \d+ video packets .* cannot be decoded/);
      // Frame i of the output is the whole recording's frame at the cut's first keyframe plus i: no
      // grey picture, none shifted (the recording's frames are on a 25 fps grid from its first).
      const skip = Math.round((src.video!.startTimeSec - full.video!.startTimeSec) * 25);
      const frames = (await probe(output)).video!.frameCount;
      expect(frames).toBe(src.video!.frameCount);
      const psnr = await psnrByIndex(output, whole, { referenceFilter: `trim=start_frame=${skip}` });
      expect(psnr.perFrame).toHaveLength(frames);
      expect(psnr.min).toBeGreaterThan(30);
      // The flash and the beep as far apart as in the recording (detector latency cancels out).
      const [a, b] = await Promise.all([flashToBeep(whole), flashToBeep(output)]);
      expect(Math.abs(a - b)).toBeLessThan(0.012);
    },
  );
});
