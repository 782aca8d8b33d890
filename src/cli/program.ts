import { Command, CommanderError } from 'commander';
import { installConfig } from './config-apply.js';
import { usageErrorLine } from './common.js';

type Register = (program: Command) => void;

/** Every command's registration, in the order `--help` lists them. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  transcode: async () => (await import('./transcode.js')).registerTranscode,
  doctor: async () => (await import('./doctor.js')).registerDoctor,
  calibrate: async () => (await import('./calibrate.js')).registerCalibrate,
  demo: async () => (await import('./demo.js')).registerDemo,
  worker: async () => (await import('./worker.js')).registerWorker,
  submit: async () => (await import('./submit.js')).registerSubmit,
  nodes: async () => (await import('./nodes.js')).registerNodes,
  queues: async () => (await import('./queues.js')).registerQueues,
  server: async () => (await import('./server.js')).registerServer,
  analyze: async () => (await import('./analyze.js')).registerAnalyze,
  jobs: async () => (await import('./jobs.js')).registerJobs,
  config: async () => (await import('./config.js')).registerConfig,
  sweep: async () => (await import('./sweep.js')).registerSweep,
  render: async () => (await import('./render.js')).registerRender,
  cost: async () => (await import('./cost.js')).registerCost,
  autoscale: async () => (await import('./autoscale.js')).registerAutoscale,
  k8s: async () => (await import('./k8s.js')).registerK8s,
  montage: async () => (await import('./montage.js')).registerMontage,
};

const program = new Command();
program
  .name('framefleet')
  .description('Distributed, GPU-aware video processing')
  .version('0.1.0')
  // Usage errors are one line on stderr and exit 2, like every other bad input, with the code the
  // others carry: commander's own (a bad option value, an unknown command) are INVALID_ARGUMENT.
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`framefleet: ${usageErrorLine(text)}\n`) });

installConfig(program);
// Only the command being run is loaded (all of them for --help, `help` or an unknown word): each
// brings its option parsers and constants, and `analyze beats` on a batch of files starts often.
const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  throw error;
}
