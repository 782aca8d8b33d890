import type { Command } from 'commander';
import { openRedisBackend } from '../runtime/redis.js';
import { cliLogger } from './cli-logger.js';
import { withRedisOptions } from './redis-options.js';
import { action, intOption } from './common.js';
import { ProgressPrinter } from './progress.js';
import {
  addTranscodeSpecOptions,
  finishTranscode,
  transcodeSpecFrom,
  type TranscodeFlags,
} from './transcode.js';

interface SubmitFlags extends TranscodeFlags {
  redis: string;
  storage: string;
  prefix: string;
  detach?: boolean;
  priority: number;
}

const URL_PATH = /^[a-z][a-z0-9+.-]*:\/\//i;

export function registerSubmit(program: Command): void {
  withRedisOptions(
    addTranscodeSpecOptions(
      program
        .command('submit')
        .description('enqueue a transcode on the fleet (Redis), follow its progress, exit with its result')
        .argument('<input>', 'input video: a path on shared storage, or an s3:// URL under --storage'),
    ),
  )
    .requiredOption('--storage <url>', 'shared storage the workers use: file:///path or s3://bucket/prefix')
    .option('--detach', 'only enqueue; print the job id')
    .option('--priority <n>', 'higher runs first', intOption('--priority', -1000, 1000), 0)
    .option('--json', 'machine-readable events and result on stdout')
    .option('-q, --quiet', 'no progress output')
    .option('-v, --verbose', 'more detail, including ffmpeg output on errors')
    .action(action(async (input: string, flags: SubmitFlags) => submitCommand(input, flags)));
}

async function submitCommand(input: string, flags: SubmitFlags): Promise<void> {
  const spec = transcodeSpecFrom(URL_PATH.test(input) ? 'placeholder' : input, flags);
  // URLs (s3://) stay as they are; paths become absolute.
  if (URL_PATH.test(input)) spec.input = input;
  if (URL_PATH.test(flags.output)) spec.output = flags.output;
  const mode = flags.json ? 'json' : flags.quiet ? 'quiet' : process.stderr.isTTY ? 'tty' : 'lines';
  const log = cliLogger({
    quiet: flags.quiet || flags.json,
    verbose: flags.verbose,
    clearLine: mode === 'tty',
  });
  const fleet = await openRedisBackend({
    redisUrl: flags.redis,
    prefix: flags.prefix,
    storageUrl: flags.storage,
    log,
  });
  const { backend } = fleet;
  let jobId = '';
  let segments = 0;
  const printer = new ProgressPrinter(mode, () => segments);
  if (!flags.detach) {
    backend.subscribe((event) => {
      if (event.jobId !== jobId) return;
      if (event.type === 'job' && event.state === 'running')
        void backend
          .get(jobId)
          .then((j) => (segments = j?.tasks.filter((t) => t.kind.endsWith('.segment')).length ?? 0));
      printer.handle(event);
    });
  }
  const started = Date.now();
  const submitted = await backend.submit('transcode', spec, { priority: flags.priority });
  jobId = submitted.id;
  if (flags.detach) {
    process.stdout.write(
      flags.json ? `${JSON.stringify({ type: 'submitted', jobId, state: submitted.state })}\n` : `${jobId}\n`,
    );
    await fleet.close();
    return;
  }
  const detach = () => {
    process.stderr.write(`\nframefleet: detached; job ${jobId} keeps running on the fleet\n`);
    process.exit(130);
  };
  process.once('SIGINT', detach);
  process.once('SIGTERM', detach);
  const job = await backend.wait(jobId);
  printer.finish(job);
  await fleet.close();
  finishTranscode(job, started, flags);
}
