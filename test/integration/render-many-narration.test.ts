import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/media/probe.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// 2,000 narration lines passed the spec's bounds (202 at submit) and then failed the job after its
// retries with `spawn E2BIG`: the mix's filtergraph went on ffmpeg's command line, one argument of
// ~170 bytes a line against Linux's 128 KiB. The graph now goes through a script file, and the
// spec takes the most lines ffmpeg mixes in seconds (500).
describe('a render with the most narration lines a spec may have', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let line: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ff-render-lines-'));
    line = join(dir, 'line.wav');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=0.1', line]);
  });
  afterAll(async () => cleanup());

  const spec = (lines: number) => ({
    width: 64,
    height: 64,
    fps: 5,
    scenes: [{ duration: 6 }],
    audio: { narration: Array.from({ length: lines }, (_, i) => ({ path: line, start: i * 0.01 })) },
  });

  it('mixes 500 of them; 501 are refused before any work', async () => {
    const file = join(dir, 'spec.json');
    const output = join(dir, 'out.mp4');
    await writeFile(file, JSON.stringify(spec(500)));
    const r = await runCli(['render', file, '-o', output, '--data-dir', join(dir, 'data')], {}, 120_000);
    expect(r.code, r.stderr).toBe(0);
    const info = await probe(output);
    expect(info.audio?.durationSec).toBeCloseTo(6, 1);
    await writeFile(file, JSON.stringify(spec(501)));
    const refused = await runCli([
      'render',
      file,
      '-o',
      join(dir, 'more.mp4'),
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('audio.narration');
    expect(refused.stderr).toContain('INVALID_SPEC');
  });
});
