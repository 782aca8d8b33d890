import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMontageClips, makeMontageMusic } from '../../bench/lib/montage-media.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, ffprobeStreams, tempDir } from '../helpers/media.js';

interface Result {
  type: string;
  frames: number;
  videoDurationSec: number;
  audioDurationSec: number;
}

/** The result line of a `--json` run. */
function resultOf(stdout: string): Result {
  const lines = stdout.trim().split('\n');
  return lines.map((l) => JSON.parse(l) as Result).find((l) => l.type === 'result')!;
}

// Found by a new user's trial: the montage took its length from the music's header, the music
// task and the stitch's A/V check from its decoded audio, and a montage that disagreed failed at
// the stitch (VERIFY_FAILED, retried three times) after everything had been rendered.
describe('montage as long as the music really is', () => {
  let dir = '';
  let cleanup = async () => {};
  let clips: string[] = [];
  let drums = '';

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-montage-music-'));
    const made = await makeMontageClips(dir, { usable: 2, seconds: 3, size: '160x120', fps: 25 });
    clips = made.filter((c) => c.kind === 'motion').map((c) => c.path);
    drums = (await makeMontageMusic(dir, 120, 8)).path;
  }, 120_000);
  afterAll(() => cleanup());

  let attempt = 0;
  const montage = (music: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const output = join(dir, `out-${++attempt}.mp4`);
    const args = ['montage', '--clips', ...clips, '--music', music, '-o', output, '--height', '144'];
    return runCli([...args, '--data-dir', join(dir, 'data'), '--json', ...extra], env, 120_000);
  };

  it('fits an MP3 whose header states its encoder delay and padding too (3.971 s for 3.930 s)', async () => {
    const mp3 = join(dir, 'click.mp3');
    const click = "aevalsrc='0.8*sin(2*PI*60*t)*exp(-20*mod(t,0.5))+0.2*sin(2*PI*440*t)':s=44100:d=3.93";
    await ffmpeg(['-f', 'lavfi', '-i', click, '-c:a', 'libmp3lame', mp3]);
    const run = await montage(mp3);
    expect(run.code, run.stderr).toBe(0);
    const result = resultOf(run.stdout);
    // The whole frames of 3.930 s at 30 fps; the header's 3.971 s made 119, past the audio's end.
    expect(result.frames).toBe(117);
    expect(result.audioDurationSec).toBeCloseTo(result.videoDurationSec, 2);
  }, 120_000);

  it('takes the sound of a video from where it starts (1.3 s into the file)', async () => {
    const video = join(dir, 'late-sound.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'color=black:s=160x120:r=30:d=9.5', '-itsoffset', '1.3', '-i', drums],
      ...['-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', video],
    ]);
    const run = await montage(video);
    expect(run.code, run.stderr).toBe(0);
    const result = resultOf(run.stdout);
    // The 8 s of sound (and an AAC frame), not the 9.5 s file nor the 6.7 s after its 1.3 s.
    expect(result.videoDurationSec).toBeGreaterThanOrEqual(7.95);
    expect(result.videoDurationSec).toBeLessThan(8.1);
    expect(result.audioDurationSec).toBeCloseTo(result.videoDurationSec, 2);
    // Its audio starts with the video, where the music's first beat is.
    const audio = (await ffprobeStreams(join(dir, `out-${attempt}.mp4`))).find(
      (s) => s.codec_type === 'audio',
    )!;
    expect(Number(audio.start_time)).toBeLessThan(0.05);
  }, 120_000);

  // A new user's trial: at 1 or 2 fps an entry of one frame lost its place in the run (the next
  // entry's frame took its time) and the render failed its check after all the work, 3 frames of 6.
  it.each([1, 2])(
    'renders at %i fps, an entry of one frame as one frame',
    async (fps) => {
      const run = await montage(drums, ['--duration', '6', '--fps', String(fps)]);
      expect(run.code, run.stderr).toBe(0);
      const result = resultOf(run.stdout);
      expect(result.frames).toBe(6 * fps);
      expect(result.videoDurationSec).toBeCloseTo(6, 3);
      const video = (await ffprobeStreams(join(dir, `out-${attempt}.mp4`))).find(
        (s) => s.codec_type === 'video',
      )!;
      expect(Number(video.nb_frames)).toBe(6 * fps);
    },
    120_000,
  );

  // The same trial: the failed check was printed three times, each retry copying the same runs.
  it('does not retry a stitch that fails its check', async () => {
    // An ffmpeg whose stitch (the one reading the runs' concat list) keeps only the first second.
    const wrapper = join(dir, 'ffmpeg-short-stitch.mjs');
    await writeFile(
      wrapper,
      [
        `#!${process.execPath}`,
        "import { spawn } from 'node:child_process';",
        'const args = process.argv.slice(2);',
        "if (args.some((a) => a.endsWith('entries.ffconcat'))) args.splice(args.length - 1, 0, '-t', '1');",
        "spawn('ffmpeg', args, { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 1));",
      ].join('\n'),
    );
    await chmod(wrapper, 0o755);
    // Its own cache folder: what the CLI remembers of an ffmpeg (version, encoders' smoke tests) is
    // one entry per user, and the wrapper's would replace the real ffmpeg's for every later run.
    const env = { FFMPEG_PATH: wrapper, XDG_CACHE_HOME: join(dir, 'wrapper-cache') };
    const run = await montage(drums, ['--duration', '4'], env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr.match(/VERIFY_FAILED/g)).toHaveLength(1);
    const failures = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; failure?: { task: string; willRetry: boolean } })
      .filter((l) => l.type === 'failure');
    expect(
      failures.map((f) => [f.failure?.task, f.failure?.willRetry]),
      JSON.stringify(failures),
    ).toEqual([['stitch', false]]);
  }, 120_000);

  describe('an MP3 cut short', () => {
    let cut = '';
    beforeAll(async () => {
      const whole = join(dir, 'whole.mp3');
      await ffmpeg(['-i', drums, '-c:a', 'libmp3lame', '-b:a', '128k', whole]);
      // About 5 s of the 8 its header states (128 kb/s: 16 kB a second).
      cut = join(dir, 'cut.mp3');
      await writeFile(cut, (await readFile(whole)).subarray(0, 80_000));
    }, 60_000);

    it('is a montage of the sound there is, warned of once', async () => {
      const run = await montage(cut);
      expect(run.code, run.stderr).toBe(0);
      const warnings = run.stderr.split('\n').filter((l) => l.includes('is cut short'));
      expect(warnings).toHaveLength(1);
      const holds = Number(/the file holds ([\d.]+) s/.exec(warnings[0]!)![1]);
      const result = resultOf(run.stdout);
      expect(holds).toBeLessThan(5.5);
      expect(Math.abs(result.videoDurationSec - holds)).toBeLessThan(0.1);
      expect(result.audioDurationSec).toBeCloseTo(result.videoDurationSec, 2);
    }, 120_000);

    it('refuses a --duration past its end before any render, in one line', async () => {
      const run = await montage(cut, ['--duration', '7']);
      expect(run.code, run.stderr).toBe(2);
      const errors = run.stderr.split('\n').filter((l) => l.includes('error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /music `.*cut\.mp3` holds [\d.]+ s of audio, shorter than the requested duration of 7 s \[MUSIC_TOO_SHORT\]/,
      );
      expect(run.stdout).not.toContain('montage.render');
      expect((await readdir(dir)).filter((n) => n === `out-${attempt}.mp4`)).toEqual([]);
    }, 120_000);
  });
});
