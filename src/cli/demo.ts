import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { action, intOption } from './common.js';

/** The Quick start's main job: make a sample clip, transcode it split-and-stitch, verify. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a sample clip (several scenes, audio) and transcode it split-and-stitch')
    .option('--dir <dir>', 'where to put the sample and the output', 'out/demo')
    .option('--segments <n>', 'segments to split into', intOption('--segments', 1, 512), 8)
    .option('--json', 'machine-readable events and result on stdout')
    .action(
      action(async (flags: { dir: string; segments: number; json?: boolean }) => {
        const { generateSampleClip } = await import('../media/generate.js');
        const dir = resolve(flags.dir);
        await mkdir(dir, { recursive: true });
        const input = resolve(dir, 'sample.mp4');
        process.stderr.write(
          `framefleet demo: generating ${input} (1280x720, 30 fps, 12 s, 6 scenes, stereo audio)\n`,
        );
        await generateSampleClip({
          path: input,
          width: 1280,
          height: 720,
          fps: 30,
          scenes: [2, 2, 2, 2, 2, 2],
        });
        const output = resolve(dir, 'sample-framefleet.mp4');
        // The demo's own files: its output is replaced on every run (-y).
        const args = [
          ...['transcode', input, '-o', output, '-y', '--segments', String(flags.segments)],
          ...['--preset', 'fast', ...(flags.json ? ['--json'] : [])],
        ];
        process.stderr.write(`framefleet demo: framefleet ${args.join(' ')}\n`);
        // Its own process group, so Ctrl-C reaches it once: through the demo, which passes it on.
        const child = spawn(process.execPath, [process.argv[1]!, ...args], {
          stdio: 'inherit',
          detached: true,
          env: { ...process.env, FRAMEFLEET_DATA_DIR: resolve(dir, '.framefleet') },
        });
        const forward = (signal: NodeJS.Signals) => child.kill(signal);
        process.on('SIGINT', forward);
        process.on('SIGTERM', forward);
        const code = await new Promise<number>((done) =>
          child.on('close', (c, s) => done(c ?? (s ? 130 : 1))),
        );
        if (code !== 0) process.exit(code);
      }),
    );
}
