import { resolve } from 'node:path';
import { silentLogger } from '../logger.js';
import { defaultDataDir } from '../runtime/local-defaults.js';
import { sweepRetention } from '../runtime/retention-sweep.js';
import { openRuntime } from '../runtime/runtime.js';
import { currentConfig, requireStorage } from './config-apply.js';
import type { SweepFlags } from './sweep.js';

export async function sweepCommand(flags: SweepFlags): Promise<void> {
  const retention = currentConfig().config.retention;
  const policy = {
    tempDays: flags.tempDays ?? retention.tempDays,
    intermediateDays: flags.intermediateDays ?? retention.intermediateDays,
    jobDays: flags.jobDays ?? retention.jobDays,
  };
  const dataDir = resolve(flags.dataDir ?? defaultDataDir());
  const runtime = await openRuntime({
    mode: flags.redis ? 'redis' : 'local',
    redisUrl: flags.redis,
    prefix: flags.prefix,
    dataDir,
    storageUrl: flags.redis ? requireStorage(flags.storage, 'sweep --redis') : flags.storage,
    cpuSlots: 1,
    log: silentLogger,
    // A sweep reads jobs; it never starts one a killed process left behind.
    resume: false,
  });
  try {
    const report = await sweepRetention({
      backend: runtime.backend,
      storage: runtime.storage,
      policy,
      dryRun: flags.dryRun,
      scratchRoots: flags.scratchRoot,
    });
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const { temp, intermediates, jobs } = report.removed;
    const verb = report.dryRun ? 'would remove' : 'removed';
    const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
    process.stdout.write(
      `${verb} ${temp.count} temp (${mb(temp.bytes)}), ${intermediates.count} intermediate (${mb(intermediates.bytes)}) and ${jobs.length} job records; kept ${report.keptForLiveJobs.length} for unfinished jobs\n`,
    );
  } finally {
    await runtime.close();
  }
}
