import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerServer } from './server.js';
import { registerTranscode } from './transcode.js';
import { registerWorker } from './worker.js';
import { registerSubmit } from './submit.js';
import { registerNodes } from './nodes.js';
import { registerQueues } from './queues.js';
import { registerJobs } from './jobs.js';
import { installConfig } from './config-apply.js';
import { registerConfig } from './config.js';
import { registerSweep } from './sweep.js';
import { registerRender } from './render.js';
import { registerCost } from './cost.js';
import { registerAutoscale } from './autoscale.js';
import { registerK8s } from './k8s.js';
import { registerMontage } from './montage.js';

const program = new Command();
program
  .name('framefleet')
  .description('Distributed, GPU-aware video processing')
  .version('0.1.0')
  // Usage errors are one line on stderr and exit 2, like every other bad input.
  .exitOverride()
  .configureOutput({
    outputError: (text, write) => write(`framefleet: ${text.replace(/^error: /, 'error: ').trim()}\n`),
  });

installConfig(program);
registerTranscode(program);
registerDoctor(program);
registerDemo(program);
registerWorker(program);
registerSubmit(program);
registerNodes(program);
registerQueues(program);
registerServer(program);
registerAnalyze(program);
registerJobs(program);
registerConfig(program);
registerSweep(program);
registerRender(program);
registerCost(program);
registerAutoscale(program);
registerK8s(program);
registerMontage(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  throw error;
}
