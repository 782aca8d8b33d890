import { openRedisBackend } from '../runtime/redis.js';
import { cliLogger } from './cli-logger.js';
import { outputMode } from './common.js';
import { followJob } from './follow-job.js';
import { interruptible } from './interrupt.js';
import { reportTranscode } from './job-report.js';
import { ProgressPrinter } from './progress.js';
import type { SubmitFlags } from './submit.js';
import { transcodeSpecFrom } from './transcode-run.js';

const URL_PATH = /^[a-z][a-z0-9+.-]*:\/\//i;

export async function submitCommand(input: string, flags: SubmitFlags): Promise<void> {
  const spec = transcodeSpecFrom(URL_PATH.test(input) ? 'placeholder' : input, {
    ...flags,
    output: URL_PATH.test(flags.output) ? 'placeholder.mp4' : flags.output,
  });
  // URLs (s3://) stay as they are; paths become absolute. The planning worker checks the output.
  if (URL_PATH.test(input)) spec.input = input;
  if (URL_PATH.test(flags.output)) spec.output = flags.output;
  const mode = outputMode(flags);
  const log = cliLogger({ quiet: mode === 'quiet' || mode === 'json', verbose: flags.verbose });
  const fleet = await openRedisBackend({
    redisUrl: flags.redis,
    prefix: flags.prefix,
    storageUrl: flags.storage,
    log,
  });
  const { backend } = fleet;
  const started = Date.now();
  if (flags.detach) {
    const submitted = await backend.submit('transcode', spec, { priority: flags.priority });
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ type: 'submitted', jobId: submitted.id, state: submitted.state })}\n`
        : `${submitted.id}\n`,
    );
    await fleet.close();
    return;
  }
  let jobId = '';
  const printer = new ProgressPrinter(mode);
  const job = await interruptible(
    () =>
      followJob(
        backend,
        () => backend.submit('transcode', spec, { priority: flags.priority }),
        printer,
        (id) => (jobId = id),
      ),
    {
      // The job belongs to the fleet: this command only stops following it.
      stop: () => fleet.close(),
      hint: () => (jobId ? `detached; job ${jobId} keeps running on the fleet` : 'nothing was submitted'),
    },
  );
  printer.finish(job);
  await fleet.close();
  reportTranscode(job, started, flags);
}
