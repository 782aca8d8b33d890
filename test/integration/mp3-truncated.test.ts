import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPcmFast } from '../../src/media/wav-pcm.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, tempDir } from '../helpers/media.js';

// Found by a new user's trial: an MP3 cut short (a download that stopped, `head -c`) decodes cleanly
// to where it ends, and `analyze beats` (and montage music) ran on that part without a word. Its
// Xing/Info header counts the frames meant to follow: a stream far short of it is now warned of.
describe('an MP3 cut short is warned of where its header states its length', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('ff-cut-mp3-')));
  afterAll(() => cleanup());

  /** 6 s of clicks at 120 BPM as MP3, and a copy cut to its first half. */
  const clicks = async (name: string, args: string[]) => {
    const whole = join(dir, `${name}.mp3`);
    const source = 'aevalsrc=0.5*sin(2*PI*440*t)*lt(mod(t\\,0.5)\\,0.05):s=44100:d=6';
    await ffmpeg(['-f', 'lavfi', '-i', source, ...args, '-c:a', 'libmp3lame', whole]);
    const bytes = await readFile(whole);
    const cut = join(dir, `${name}-cut.mp3`);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    return { whole, cut };
  };

  const warningsOf = async (path: string) => {
    const stream = startPcmFast({ path, sampleRate: 11_025 });
    stream.pipeTo(() => undefined);
    await stream.done;
    return stream.warnings;
  };

  it.each([
    ['CBR mono (an Info header)', 'cbr', ['-ac', '1', '-b:a', '128k'], 'Info'],
    ['VBR stereo (a Xing header)', 'vbr', ['-ac', '2', '-q:a', '4'], 'Xing'],
  ])('%s: the whole file says nothing, the cut one what it lacks', async (_name, name, args, tag) => {
    const { whole, cut } = await clicks(name, args);
    expect(await warningsOf(whole)).toEqual([]);
    expect(await warningsOf(cut)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^input \`[^\`]+${name}-cut\\.mp3\` is cut short: its MP3 header \\(${tag}\\) states 231 frames \\(6\\.0 s of audio\\), the file holds (2\\.9|3\\.0) s; only those were analysed$`,
        ),
      ),
    ]);
  });

  it('analyze beats says it on stderr and carries it in the JSON', async () => {
    const { cut } = await clicks('cli', ['-ac', '2', '-q:a', '4']);
    const run = await runCli(['analyze', 'beats', cut, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /framefleet: warning: input `[^`]+cli-cut\.mp3` is cut short: its MP3 header \(Xing\)/,
    );
    const warnings = (JSON.parse(run.stdout) as { warnings?: string[] }).warnings;
    expect(warnings).toEqual([expect.stringContaining('states 231 frames (6.0 s of audio)')]);
  });

  // Without a Xing/Info/VBRI header an MP3 states no length: a cut one cannot be told from a short one.
  it('an MP3 without such a header, cut, cannot be known to be cut: no warning', async () => {
    const { cut } = await clicks('plain', ['-write_xing', '0']);
    expect(await warningsOf(cut)).toEqual([]);
  });
});
