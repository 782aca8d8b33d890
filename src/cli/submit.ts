import type { Command } from 'commander';
import { withRedisOptions } from './redis-options.js';
import { action, intOption, reportOptions } from './common.js';
import { addTranscodeSpecOptions, type TranscodeFlags } from './transcode.js';

export interface SubmitFlags extends TranscodeFlags {
  redis: string;
  storage?: string;
  prefix: string;
  detach?: boolean;
  priority: number;
}

export function registerSubmit(program: Command): void {
  reportOptions(
    withRedisOptions(
      addTranscodeSpecOptions(
        program
          .command('submit')
          .description(
            'transcode on the fleet: the same as `transcode --redis` (Redis URL from --redis, REDIS_URL or the default)',
          )
          .argument('<input>', 'input video: a path on shared storage, or an s3:// URL under --storage'),
      ),
    )
      .option('--storage <url>', 'shared storage the workers use: file:///path or s3://bucket/prefix')
      .option('--detach', 'only enqueue; print the job id')
      .option('--priority <n>', 'higher runs first', intOption('--priority', -1000, 1000), 0),
  ).action(
    action(async (input: string, flags: SubmitFlags) => {
      const { submitCommand } = await import('./submit-run.js');
      await submitCommand(input, flags);
    }),
  );
}
