import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCapabilities } from '../../src/cluster/capabilities.js';
import { binariesIdentity } from '../../src/media/binaries.js';
import { runFfmpeg } from '../../src/media/run.js';
import { machineKey, pairCores, type MachineProfile } from '../../src/pipelines/transcode/machine-profile.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

// The per-machine choice between one 1080p encode and two at once: `calibrate --show` reads what was
// measured, and a transcode on the same machine plans by it. (The measuring itself takes ~40 s of
// 1080p encodes: `npm run bench -- transcode` runs it where no profile exists.)
describe('framefleet calibrate', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let cores: number;
  const env = () => ({ XDG_CACHE_HOME: join(dir, 'cache') });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    ({ cores } = await detectCapabilities({ declared: { detect: false } }));
  });
  afterAll(() => cleanup());

  const writeProfile = async (pairs: boolean) => {
    const profile: MachineProfile = {
      key: machineKey(cores, await binariesIdentity()),
      at: Date.now(),
      cores,
      one: { wall: 6.4, cpu: 12 },
      pair: { wall: pairs ? 6 : 6.5, cpu: 12.1 },
      pairs,
    };
    await mkdir(join(dir, 'cache', 'framefleet'), { recursive: true });
    await writeFile(join(dir, 'cache', 'framefleet', 'machine-profile.json'), JSON.stringify(profile));
  };

  it('--show says when nothing was measured here, then what was', async () => {
    const none = await runCli(['calibrate', '--show'], env());
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(
      pairCores(cores) ? /no profile measured on this machine/ : /nothing to measure/,
    );
    if (!pairCores(cores)) return;
    await writeProfile(true);
    const shown = await runCli(['calibrate', '--show'], env());
    expect(shown.stdout).toContain('two at once / one encode wall 0.938');
    expect(shown.stdout).toContain('split in two halves');
    const json = await runCli(['calibrate', '--show', '--json'], env());
    expect(JSON.parse(json.stdout)).toMatchObject({ cores, pairs: true });
    // A profile calibrate did not write is named as ignored, not taken for "nothing measured".
    await writeFile(join(dir, 'cache', 'framefleet', 'machine-profile.json'), '{"pairs": true}');
    const edited = await runCli(['calibrate', '--show'], env());
    expect(edited.stdout).toMatch(/machine-profile\.json is not one calibrate wrote .*: it is ignored/);
    expect((await runCli(['calibrate', '--show', '--json'], env())).stdout.trim()).toBe('null');
  });

  // On a machine outside 2-4 cores there is nothing to choose: the test has nothing to check there.
  it('a 1080p transcode splits in two at once where that was measured faster, else stays one encode', async () => {
    if (!pairCores(cores)) return;
    const clip = join(dir, 'clip-1080p.mp4');
    // The plan depends on the height (1080) and the length (8 s), not the frame rate: 2 fps keeps
    // the two 1080p transcodes to 16 frames each.
    await runFfmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=2:d=8', '-c:v', 'libx264', '-preset', 'ultrafast'],
      ...['-g', '4', '-pix_fmt', 'yuv420p', clip],
    ]);
    const run = async (name: string) => {
      const out = join(dir, `${name}.mp4`);
      const r = await runCli(
        ['transcode', clip, '-o', out, '--preset', 'fast', '--data-dir', join(dir, `data-${name}`), '--json'],
        env(),
      );
      expect(r.code, r.stderr).toBe(0);
      // --json prints events, one a line, then the result.
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { segments: number; peakParallel: number };
    };
    await writeProfile(true);
    const split = await run('split');
    await writeProfile(false);
    const whole = await run('whole');
    expect(split).toMatchObject({ segments: 2, peakParallel: 2 });
    expect(whole).toMatchObject({ segments: 1, peakParallel: 1 });
  });
});
