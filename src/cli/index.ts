#!/usr/bin/env node
import { Command } from 'commander';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerTranscode } from './transcode.js';

const program = new Command();
program
  .name('framefleet')
  .description('Distributed, GPU-aware video processing')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerTranscode(program);
registerDoctor(program);
registerDemo(program);

await program.parseAsync(process.argv);
