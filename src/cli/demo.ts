import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { generateSampleClip } from '../media/generate.js';
import { action } from './common.js';

/** The Quick start's main job: make a sample clip, transcode it split-and-stitch, verify. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a sample clip (several scenes, audio) and transcode it split-and-stitch')
    .option('--dir <dir>', 'where to put the sample and the output', 'out/demo')
    .option('--segments <n>', 'segments to split into', '8')
    .action(
      action(async (flags: { dir: string; segments: string }) => {
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
        const args = [
          process.argv[1]!,
          'transcode',
          input,
          '-o',
          output,
          '--segments',
          flags.segments,
          '--preset',
          'fast',
        ];
        process.stderr.write(`framefleet demo: framefleet ${args.slice(1).join(' ')}\n`);
        const code = await new Promise<number>((done) => {
          const child = spawn(process.execPath, args, {
            stdio: 'inherit',
            env: { ...process.env, FRAMEFLEET_DATA_DIR: resolve(dir, '.framefleet') },
          });
          child.on('close', (c) => done(c ?? 1));
        });
        if (code !== 0) process.exit(code);
      }),
    );
}
