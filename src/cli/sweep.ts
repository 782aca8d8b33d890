import type { Command } from 'commander';
import { action, dataDirOption, numberOption } from './common.js';
import { prefixDefault } from './redis-options.js';

export interface SweepFlags {
  dataDir?: string;
  redis?: string;
  prefix: string;
  storage?: string;
  tempDays?: number;
  intermediateDays?: number;
  jobDays?: number;
  scratchRoot?: string[];
  dryRun?: boolean;
  json?: boolean;
}

/** `framefleet sweep`: one retention sweep now (the server also sweeps every `retention.sweepMinutes`). */
export function registerSweep(program: Command): void {
  const days = (name: string) => numberOption(name, 0.000001, 3650);
  dataDirOption(
    program
      .command('sweep')
      .description(
        'delete temp files (1 day), intermediates (7 days) and finished job records (30 days); never outputs, never what an unfinished job needs',
      ),
  )
    .option(
      '--redis <url>',
      "sweep a fleet's jobs and storage through this Redis (default: the local data dir)",
    )
    .option('--prefix <prefix>', 'with --redis: the Redis key prefix', prefixDefault())
    .option('--storage <url>', 'with --redis: the shared storage, file:///path or s3://bucket/prefix')
    .option(
      '--temp-days <d>',
      'temp files older than this go (default: retention.tempDays, 1)',
      days('--temp-days'),
    )
    .option(
      '--intermediate-days <d>',
      'intermediates older than this go (default: retention.intermediateDays, 7)',
      days('--intermediate-days'),
    )
    .option(
      '--job-days <d>',
      'finished job records older than this go (default: retention.jobDays, 30)',
      days('--job-days'),
    )
    .option(
      '--scratch-root <dir...>',
      "workers' per-attempt scratch folders on this machine (default: $TMPDIR/framefleet-worker)",
    )
    .option('--dry-run', 'list what would go, delete nothing')
    .option('--json', 'the report as JSON')
    .action(
      action(async (flags: SweepFlags) => {
        const { sweepCommand } = await import('./sweep-run.js');
        await sweepCommand(flags);
      }),
    );
}
