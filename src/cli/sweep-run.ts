import { resolve } from 'node:path';
import { silentLogger } from '../logger.js';
import { defaultDataDir } from '../runtime/local-defaults.js';
import { sweepRetention } from '../runtime/retention-sweep.js';
import { openLocalBackend } from '../runtime/local.js';
import { openRuntime } from '../runtime/runtime.js';
import type { Backend } from '../engine/types.js';
import { FramefleetError } from '../errors.js';
import { FileStorage } from '../storage/file-storage.js';
import type { Storage } from '../storage/types.js';
import { currentConfig, redisConnectTimeoutMs, requireStorage } from './config-apply.js';
import type { SweepFlags } from './sweep.js';

/** A sweep reads jobs; it never starts one a killed process left behind (resume: false). */
async function openLocal(
  dataDir: string,
): Promise<{ backend: Backend; storage: Storage; close(): Promise<void> }> {
  const backend = await openLocalBackend({ dataDir, cpuSlots: 1, log: silentLogger, resume: false });
  return { backend, storage: new FileStorage(dataDir), close: () => backend.close() };
}

export async function sweepCommand(flags: SweepFlags): Promise<void> {
  const retention = currentConfig().config.retention;
  const policy = {
    tempDays: flags.tempDays ?? retention.tempDays,
    intermediateDays: flags.intermediateDays ?? retention.intermediateDays,
    jobDays: flags.jobDays ?? retention.jobDays,
  };
  const dataDir = resolve(flags.dataDir ?? defaultDataDir());
  if (!flags.redis && flags.storage) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      '--storage needs --redis (the local engine keeps its files in --data-dir)',
    );
  }
  // Local: the backend alone (no fleet view sampling the machine); a fleet: the submitter's runtime.
  const runtime = flags.redis
    ? await openRuntime({
        mode: 'redis',
        redisUrl: flags.redis,
        connectTimeoutMs: redisConnectTimeoutMs(),
        prefix: flags.prefix,
        dataDir,
        storageUrl: requireStorage(flags.storage, 'sweep --redis'),
        cpuSlots: 1,
        log: silentLogger,
      })
    : await openLocal(dataDir);
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
