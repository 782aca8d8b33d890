import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';
import { makeMontageClips, makeMontageMusic } from '../../bench/lib/montage-media.js';

/**
 * Every bad input is refused with one line naming the value, exit 2, before any render task runs
 * (the NDJSON events of the run name no montage.render task) and without an output.
 */
describe('montage refuses bad input before rendering', () => {
  let dir = '';
  let cleanup = async () => {};
  let good = '';
  let black = '';
  let blurred = '';
  let music = '';

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-montage-bad-'));
    await mkdir(join(dir, 'clips'));
    await mkdir(join(dir, 'empty'));
    const clips = await makeMontageClips(join(dir, 'clips'), {
      usable: 1,
      seconds: 2,
      size: '160x120',
      fps: 25,
    });
    good = clips.find((c) => c.kind === 'motion')!.path;
    black = clips.find((c) => c.kind === 'black')!.path;
    blurred = clips.find((c) => c.kind === 'blurred')!.path;
    music = (await makeMontageMusic(dir, 120, 5)).path;
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x48', '-frames:v', '1', join(dir, 'photo.png')]);
    // Two clips shorter than the shortest cut (0.4 s): the same cut, made once and copied.
    for (const name of ['short-1.mp4', 'short-2.mp4'])
      await ffmpeg(['-i', good, '-t', '0.3', '-an', join(dir, name)]);
    await writeFile(join(dir, 'bad.cube'), 'TITLE "broken"\nLUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1\n');
    // An ffmpeg whose filter list lacks vidstab, as a build without libvidstab has.
    await writeFile(
      join(dir, 'ffmpeg-no-vidstab'),
      '#!/bin/sh\ncase " $* " in *" -filters "*) ffmpeg "$@" | grep -v vidstab ;; *) exec ffmpeg "$@" ;; esac\n',
    );
    await chmod(join(dir, 'ffmpeg-no-vidstab'), 0o755);
  }, 120_000);
  afterAll(() => cleanup());

  let attempt = 0;
  const run = (extra: string[], clips: string[] = [good], env: NodeJS.ProcessEnv = {}) =>
    runCli(
      [
        'montage',
        '--clips',
        ...clips,
        '--music',
        music,
        '-o',
        // Each case its own output: one that wrongly succeeded must not make the next fail for it.
        join(dir, `out-${++attempt}.mp4`),
        '--height',
        '144',
        '--data-dir',
        join(dir, 'data'),
        '--json',
        ...extra,
      ],
      env,
      120_000,
    );

  interface Case {
    name: string;
    extra: () => string[];
    clips?: () => string[];
    env?: () => NodeJS.ProcessEnv;
    says: () => string;
    /** Refused before any clip is analysed (no montage.clip task runs). */
    early?: boolean;
  }
  it.each<Case>([
    {
      name: 'an empty clip folder',
      extra: () => [],
      clips: () => [join(dir, 'empty')],
      says: () => join(dir, 'empty'),
    },
    {
      name: 'clips with no usable shot',
      extra: () => [],
      clips: () => [black, blurred],
      says: () => 'no usable shot in 2 clips: 1 black, 1 blurry',
    },
    // Found by a new user's trial: 50 clips of 0.3 s were refused only after 77 s of analysis.
    {
      name: 'clips all shorter than the shortest cut',
      extra: () => [],
      clips: () => [join(dir, 'short-1.mp4'), join(dir, 'short-2.mp4')],
      says: () =>
        'no usable shot: all 2 clips are shorter than the shortest cut of 0.4 s (the longest is 0.3',
      early: true,
    },
    // An unset shell variable: not the current folder's videos as clips.
    { name: 'an empty clip path', extra: () => [], clips: () => [''], says: () => 'a clip path is empty' },
    { name: 'music shorter than --duration', extra: () => ['--duration', '30'], says: () => music },
    {
      name: 'a malformed .cube',
      extra: () => ['--lut', join(dir, 'bad.cube')],
      says: () => `${join(dir, 'bad.cube')}\` line 5`,
    },
    {
      name: 'a missing .cube',
      extra: () => ['--lut', join(dir, 'nope.cube')],
      says: () => join(dir, 'nope.cube'),
    },
    { name: 'an unknown aspect', extra: () => ['--aspect', '21:9'], says: () => '21:9' },
    // Found by a new-user trial: a photo among the clips was "not a media file ffmpeg can read".
    {
      name: 'a still image as a clip',
      extra: () => [],
      clips: () => [good, join(dir, 'photo.png')],
      says: () => `${join(dir, 'photo.png')}\` is a still image (PNG), not a video or audio file`,
    },
    {
      name: '--stabilize on an ffmpeg without vidstab',
      extra: () => ['--stabilize'],
      // Its own cache folder: what the CLI remembers of an ffmpeg (version, encoders' smoke tests)
      // is one entry per user, and the wrapper's would replace the real ffmpeg's for later runs.
      env: () => ({
        FFMPEG_PATH: join(dir, 'ffmpeg-no-vidstab'),
        XDG_CACHE_HOME: join(dir, 'wrapper-cache'),
      }),
      says: () => 'vidstab',
    },
  ])(
    'refuses $name',
    async (c) => {
      const result = await run(c.extra(), c.clips?.() ?? [good], c.env?.() ?? {});
      expect(result.code, result.stderr).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(c.says());
      expect(result.stdout).not.toContain('montage.render');
      if (c.early) expect(result.stdout).not.toContain('montage.clip');
      expect((await readdir(dir)).filter((n) => n.startsWith('out-'))).toEqual([]);
    },
    120_000,
  );
  // Found by a new user's trial: music that is a steady tone was refused twice (a warning, then the
  // error) with -q, blaming its 6 s length ("under 8 s is too short") where a tone has no beat.
  it('refuses music with no beat in one line that says why', async () => {
    const tone = join(dir, 'tone.m4a');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=220:d=6', '-c:a', 'aac', tone]);
    const data = join(dir, 'data-tone');
    const result = await runCli(
      [
        ...['montage', '--clips', good, '--music', tone, '-o', join(dir, 'out-tone.mp4')],
        ...['--height', '144', '--data-dir', data, '-q'],
      ],
      {},
      120_000,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `framefleet: error: music \`${tone}\` has no beats to cut on (no steady rhythm found in the audio) [NO_BEATS]`,
    ]);
  }, 120_000);

  // Found by a new user's trial: music with a second audio track (a commentary, a dub) was cut to
  // its first without a word.
  it('names the audio track it cuts to where the music has more than one', async () => {
    const two = join(dir, 'two-tracks.mkv');
    await ffmpeg([
      ...['-i', music, '-i', music, '-map', '0:a', '-map', '1:a', '-c:a', 'flac'],
      ...['-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra', two],
    ]);
    // A malformed LUT stops the run once the plan has read the music.
    const result = await runCli(
      [
        ...['montage', '--clips', good, '--music', two, '-o', join(dir, 'out-two.mp4')],
        ...['--height', '144', '--data-dir', join(dir, 'data'), '--lut', join(dir, 'bad.cube')],
      ],
      {},
      120_000,
    );
    expect(result.stderr).toContain(
      `warning: music \`${two}\` has 2 audio tracks: the montage cuts to track 1 (stream 0, language \`eng\`) and leaves out track 2 (stream 1, language \`fra\`)`,
    );
    expect(result.code).toBe(2);
  }, 120_000);
});
