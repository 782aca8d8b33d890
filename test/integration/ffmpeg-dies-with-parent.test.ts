import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Pids of live processes whose command line contains `marker`. */
async function pidsWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

// A worker killed with SIGKILL left its ffmpeg encoding to the end of its segment, orphaned, while
// the task ran again elsewhere (a new user's fleet trial).
describe.skipIf(process.platform !== 'linux')('an ffmpeg whose parent is killed', () => {
  it('dies with it', async () => {
    const marker = `testsrc2=s=64x36:r=10:d=${60 + Math.random().toFixed(6).slice(2, 8)}`;
    const run = pathToFileURL(resolve('dist/media/run.js')).href;
    const script =
      `import { runFfmpeg } from ${JSON.stringify(run)};\n` +
      `await runFfmpeg(['-re', '-f', 'lavfi', '-i', ${JSON.stringify(marker)}, '-f', 'null', '-'], ` +
      `{ writesNoFile: true, onProgress: () => process.stdout.write('p\\n') });`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    let stderr = '';
    parent.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Running: it has reported progress.
    await new Promise<void>((done, fail) => {
      parent.stdout.once('data', () => done());
      parent.once('exit', (code) => fail(new Error(`parent exited ${code} before ffmpeg ran: ${stderr}`)));
    });
    const ffmpegs = (await pidsWith(marker)).filter((pid) => pid !== parent.pid);
    expect(ffmpegs.length).toBe(1);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while ((await pidsWith(marker)).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await pidsWith(marker)).toEqual([]);
  }, 30_000);
});
