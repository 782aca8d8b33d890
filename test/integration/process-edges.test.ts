import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, FAST_X264, ffprobeStreams, tempDir, withMatrix } from '../helpers/media.js';

const run = promisify(execFile);

// Processors that start children of their own (a shell script's sleep): a timeout or the
// processor's exit must end them too. Each leaves a `sleep` with a marker duration.
const CONFIG = `
processors:
  hangs-in-child:
    command: [sh, -c, 'sleep 41.5', sh, '{input}', '{output}']
    timeoutSeconds: 1
  leaves-child:
    command: [sh, -c, 'sleep 42.5 & "$0" -nostdin -v error -i "$1" -c:v ffv1 -y "$2"', '{ffmpeg}', '{input}', '{output}']
  third:
    command: ['{ffmpeg}', -nostdin, -v, error, -i, '{input}', -vf, 'scale={out_width}:{out_height}', -c:v, ffv1, -y, '{output}']
    scale: 0.33
  twice:
    command: ['{ffmpeg}', -nostdin, -v, error, -i, '{input}', -vf, 'scale={out_width}:{out_height}', -c:v, ffv1, -y, '{output}']
    scale: 2
  smooth-frames:
    command: ['{ffmpeg}', -nostdin, -v, error, -i, '{frames_in}/%06d.png', -vf, atadenoise, -start_number, '1', -y, '{frames_out}/%06d.png']
    io: frames
  smooth-pattern:
    command: ['{ffmpeg}', -nostdin, -v, error, -i, '{frames_in_pattern}', -vf, atadenoise, -start_number, '1', -y, '{frames_out_pattern}']
    io: frames
  says-rate:
    command: [sh, -c, 'echo "$3 $4" > __DIR__/rate; exec "$0" -nostdin -v error -i "$1" -c:v ffv1 -y "$2"', '{ffmpeg}', '{input}', '{output}', '{fps}', '{fps_rational}']
`;

async function sleepersLeft(): Promise<number> {
  const { stdout } = await run('ps', ['-eo', 'stat=,args=']);
  // Zombies are gone already (only their parent, init here, has not reaped them).
  return stdout.split('\n').filter((l) => /^[^Z]\S*\s+sleep 4[12]\.5$/.test(l.trim())).length;
}

describe('processors that misbehave', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  let config: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-process-stray-'));
    source = join(dir, 'source.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=96x64:r=10:d=1', ...FAST_X264, source]);
    config = join(dir, 'framefleet.yaml');
    // The temp folder's name has no quote or space: it goes into the shell text as it is.
    await writeFile(config, CONFIG.replace('__DIR__', dir));
  });
  afterAll(() => cleanup());

  const transcode = (name: string, input = source, data = join(dir, 'data')) =>
    runCli(
      ['transcode', input, '-o', join(dir, `${name}.mp4`), '--process', name, '--data-dir', data],
      { FRAMEFLEET_CONFIG: config },
      30_000,
    );

  // Only the shell was killed at the timeout; its sleep held the pipes and the task waited 41 s a try.
  it('a timeout ends the children too: PROCESSOR_TIMEOUT after the retries, in seconds', async () => {
    const started = Date.now();
    const result = await transcode('hangs-in-child');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PROCESSOR_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await sleepersLeft()).toBe(0);
  });

  // The processor exited, its background child held stderr, and the run waited for it.
  it('children left behind by a finished processor are ended, and the job goes on', async () => {
    const started = Date.now();
    const result = await transcode('leaves-child');
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await sleepersLeft()).toBe(0);
  });

  // 96x64 at 0.33 is 32x21: the processor ran on every segment, then libx264 refused the odd
  // height of a yuv420p frame on every try.
  it('a scale that makes an odd side of a 4:2:0 frame is refused before any task', async () => {
    const result = await transcode('third');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('makes 32x21 frames from the 96x64 source');
    expect(result.stderr).toContain('yuv420p video needs an even height');
    expect(await readdir(join(dir, 'data-third', 'jobs')).catch(() => [])).toEqual([]);
  });

  // A phone's portrait clip (stored 96x64, shown 64x96): the processors get the upright frames the
  // decoder gives them, so their sizes are the upright ones. `twice` was told 192x128 and squashed
  // the picture; a frames processor's output was refused as "64x96, expected 96x64".
  it('a rotated source: processors see, and make, the upright picture', async () => {
    const turned = join(dir, 'turned.mp4');
    await withMatrix(source, turned, [0, 1, -1, 0]);
    for (const name of ['twice', 'smooth-frames']) {
      const result = await transcode(name, turned);
      expect(result.code, result.stderr).toBe(0);
      const [video] = await ffprobeStreams(join(dir, `${name}.mp4`));
      expect([video!.width, video!.height]).toEqual(name === 'twice' ? [128, 192] : [64, 96]);
    }
  });

  // ffmpeg reads a frames folder as an image2 pattern, where a `%` in the data dir's name is part of
  // the pattern: {frames_in_pattern} is the folder's files with that `%` escaped.
  it('a frames processor that writes {frames_in}/%06d.png there fails once per try, saying why', async () => {
    await rm(join(dir, 'smooth-frames.mp4'), { force: true });
    const result = await transcode('smooth-frames', source, join(dir, '100% data %d'));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('PROCESSOR_FAILED');
    expect(result.stderr).toContain(`the data dir's path holds a %`);
    expect(result.stderr).toContain('give {frames_in_pattern} and {frames_out_pattern} instead');
  });

  it('a frames processor given the patterns works in a data dir named with % and a space', async () => {
    const result = await transcode('smooth-pattern', source, join(dir, '100% data %d'));
    expect(result.code, result.stderr).toBe(0);
    const [video] = await ffprobeStreams(join(dir, 'smooth-pattern.mp4'));
    expect([video!.width, video!.height, video!.nb_frames]).toEqual([96, 64, '10']);
  });

  // {fps} is a decimal, rounded; an ffmpeg command's -framerate wants the exact rate of an NTSC clip.
  it('{fps_rational} gives the exact frame rate beside the rounded {fps}', async () => {
    const ntsc = join(dir, 'ntsc.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=96x64:r=30000/1001:d=0.5', ...FAST_X264, ntsc]);
    const result = await transcode('says-rate', ntsc);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(dir, 'rate'), 'utf8')).toBe('29.97003 30000/1001\n');
  });
});
