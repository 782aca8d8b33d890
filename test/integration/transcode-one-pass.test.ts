import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { FAST_X264, ffmpeg, tempDir } from '../helpers/media.js';

/** The task kinds a `--json` run reported, in the order they first ran. */
function taskKinds(stdout: string): string[] {
  const kinds = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; kind?: string; state?: string })
    .filter((e) => e.type === 'task' && e.state === 'running')
    .map((e) => e.kind!);
  return [...new Set(kinds)];
}

/** The MD5 of a file's first audio stream's packets: equal only for the same coded audio. */
function audioPackets(path: string): string {
  const args = ['-v', 'error', '-i', path, '-map', '0:a:0', '-c', 'copy', '-f', 'md5', '-'];
  return execFileSync('ffmpeg', args).toString().trim();
}

// A job of one segment is written by one ffmpeg run, as one plain command would write it; a job
// that needs the stitch's offset handling, or several segments, still gets segments, audio, stitch.
describe('transcode: a one-segment job in one pass', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-one-pass-'));
    const lavfi = ['-f', 'lavfi', '-i', 'testsrc2=s=192x108:r=25:d=3', '-f', 'lavfi', '-i', 'sine=f=440:d=3'];
    await ffmpeg([...lavfi, ...FAST_X264, '-c:a', 'aac', join(dir, 'plain.mp4')]);
    // A copy trimmed mid-GOP: its edit list hides the stored frames before the cut (nb_frames counts them).
    await ffmpeg(['-ss', '1.3', '-i', join(dir, 'plain.mp4'), '-c', 'copy', join(dir, 'trimmed.mp4')]);
    // Audio starting 0.3 s before the video: the first frame cuts it (the stitch's work).
    await ffmpeg([
      ...['-itsoffset', '0.3', '-i', join(dir, 'plain.mp4'), '-i', join(dir, 'plain.mp4')],
      ...['-map', '0:v', '-map', '1:a', '-c', 'copy', join(dir, 'early.mp4')],
    ]);
  });
  afterAll(async () => cleanup());

  // One segment asked for: the planner splits a clip this small (x264 uses few threads at 108 rows).
  const run = (source: string, output: string, ...more: string[]) =>
    runCli([
      ...['transcode', join(dir, source), '-o', join(dir, output), '--json', '--data-dir', join(dir, 'data')],
      ...(more.includes('--segments') ? more : ['--segments', '1', ...more]),
    ]);

  it('writes the output in one task: every frame, the audio copied bit for bit, verified', async () => {
    const r = await run('plain.mp4', 'one.mp4', '--preset', 'fast');
    expect(r.code, r.stderr).toBe(0);
    expect(taskKinds(r.stdout)).toEqual(['transcode.whole']);
    const out = await probe(join(dir, 'one.mp4'));
    expect(out.video!.frameCount).toBe(75);
    expect(out.video!.codec).toBe('h264');
    expect(audioPackets(join(dir, 'one.mp4'))).toBe(audioPackets(join(dir, 'plain.mp4')));
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      segments: number;
      encodedFrames: number;
    };
    expect(result).toMatchObject({ segments: 1, encodedFrames: 75 });
  });

  it('a rerun of the finished job re-verifies the output and encodes nothing', async () => {
    const r = await run('plain.mp4', 'one.mp4', '--preset', 'fast', '-y');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      reusedSegments: number;
      encodedFrames: number;
    };
    expect(result).toMatchObject({ reusedSegments: 1, encodedFrames: 0 });
  });

  // Matroska tracks carry no duration, only a DURATION tag (their end time): verified from that.
  for (const segments of ['1', '2']) {
    it(`Matroska with the audio encoded once to AAC, ${segments} segment(s)`, async () => {
      const r = await run('plain.mp4', `out-${segments}.mkv`, '--audio', 'aac', '--segments', segments);
      expect(r.code, r.stderr).toBe(0);
      expect(taskKinds(r.stdout)).toContain(segments === '1' ? 'transcode.whole' : 'transcode.stitch');
      const out = await probe(join(dir, `out-${segments}.mkv`));
      expect(out.formatName).toContain('matroska');
      expect(out.video!.frameCount).toBe(75);
      expect(out.audio!.codec).toBe('aac');
      expect(Math.abs(out.audio!.durationSec - 3)).toBeLessThan(0.05);
    });
  }

  it('a copy trimmed mid-GOP is the frames it shows (not refused as cut short), in one pass and in segments', async () => {
    const shown = (await probe(join(dir, 'trimmed.mp4'))).video!.frameCount;
    expect(shown).toBeLessThan(75 - 25);
    for (const segments of ['1', '2']) {
      const r = await run('trimmed.mp4', `trimmed-${segments}.mp4`, '--segments', segments);
      expect(r.code, r.stderr).toBe(0);
      expect((await probe(join(dir, `trimmed-${segments}.mp4`))).video!.frameCount).toBe(shown);
    }
  });

  it('several segments, or audio ahead of the video, take the segment, audio and stitch tasks', async () => {
    const split = await run('plain.mp4', 'split.mp4', '--segments', '2');
    expect(split.code, split.stderr).toBe(0);
    // And, with a seam to check, the task that decodes the source's pictures around it.
    expect(taskKinds(split.stdout).sort()).toEqual([
      'transcode.audio',
      'transcode.seam-pictures',
      'transcode.segment',
      'transcode.stitch',
    ]);
    const early = await run('early.mp4', 'early-out.mp4', '--segments', '1');
    expect(early.code, early.stderr).toBe(0);
    expect(taskKinds(early.stdout)).toContain('transcode.stitch');
  });
});
