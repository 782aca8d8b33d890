import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/media.js';

// Found by a new-user trial: `analyze beats fifo.wav` waited for a writer that never came (until
// Ctrl-C, then advised to run the same command again). A named pipe is no media file: every
// command that reads an input refuses one at once, before anything opens it.
describe('an input that is a named pipe', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it.each([
    ['analyze beats', (fifo: string) => ['analyze', 'beats', fifo]],
    ['analyze scenes', (fifo: string) => ['analyze', 'scenes', fifo]],
    [
      'transcode',
      (fifo: string) => ['transcode', fifo, '-o', join(dir, 'out.mp4'), '--data-dir', join(dir, 'data')],
    ],
  ])('is refused by %s with exit 2 INPUT_NOT_A_FILE, at once', async (name, args) => {
    const fifo = join(dir, `${name.replace(' ', '-')}.wav`);
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const result = await runCli(args(fifo), {}, 20_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a named pipe \(FIFO\), not a media file \[INPUT_NOT_A_FILE\]/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
