import { TERMINAL_STATES, type Backend, type JobRecord, type Logger } from '../engine/types.js';
import { FileStorage } from '../storage/file-storage.js';
import { DAY_MS, planSweep, stringsIn, SWEPT_PREFIXES, type RetentionPolicy } from '../storage/retention.js';
import {
  sweepS3Uploads,
  sweepScratchRoot,
  sweepTempNames,
  type TempRemoval,
} from '../storage/retention-temp.js';
import { S3Storage } from '../storage/s3-storage.js';
import type { Storage } from '../storage/types.js';
import { WORKER_SCRATCH_ROOT } from '../storage/work-folders.js';

export { WORKER_SCRATCH_ROOT };

export interface SweepOptions {
  backend: Backend;
  storage: Storage;
  policy: RetentionPolicy;
  nowMs?: number;
  dryRun?: boolean;
  /** Local folders of per-attempt scratch to sweep as temp (default: this machine's worker root). */
  scratchRoots?: readonly string[];
}

export interface SweepReport {
  dryRun: boolean;
  removed: {
    temp: { count: number; bytes: number };
    intermediates: { count: number; bytes: number };
    jobs: string[];
  };
  /** Intermediates and uploads older than the policy, kept because a live job needs them. */
  keptForLiveJobs: string[];
  paths: string[];
}

/**
 * One retention sweep: temp files after `tempDays`, intermediates after `intermediateDays`, records
 * of finished jobs after `jobDays`, outputs never. A job that is not finished (running, queued, or
 * stopped part-way and resumable) keeps everything it needs; its state is read again right before
 * its files go, so a job retried during the sweep keeps them too.
 */
export async function sweepRetention(options: SweepOptions): Promise<SweepReport> {
  const { backend, storage, policy } = options;
  const nowMs = options.nowMs ?? Date.now();
  const dryRun = options.dryRun ?? false;
  const jobs = await allJobs(backend);
  const facts = jobs.map((job) => ({
    id: job.id,
    live: isLive(job),
    updatedAtMs: Date.parse(job.updatedAt),
    strings: stringsIn(job.spec),
  }));
  const objects = (await Promise.all(SWEPT_PREFIXES.map((p) => storage.list(p)))).flat();
  const plan = planSweep(objects, facts, policy, nowMs);
  const report: SweepReport = {
    dryRun,
    removed: { temp: { count: 0, bytes: 0 }, intermediates: { count: 0, bytes: 0 }, jobs: [] },
    keptForLiveJobs: plan.keptForLiveJobs,
    paths: [],
  };
  const count = (cls: 'temp' | 'intermediate', n: number, bytes: number, path: string) => {
    const bucket = cls === 'temp' ? report.removed.temp : report.removed.intermediates;
    bucket.count += n;
    bucket.bytes += bytes;
    report.paths.push(path);
  };
  for (const entry of plan.prefixes) {
    const jobId = entry.prefix.startsWith('scratch/') ? entry.prefix.split('/')[1]! : undefined;
    if (jobId !== undefined && (await stillLive(backend, jobId))) {
      report.keptForLiveJobs.push(entry.prefix);
      continue;
    }
    if (!dryRun) await storage.deletePrefix(entry.prefix);
    count(entry.class, entry.objects, entry.bytes, entry.prefix);
  }
  for (const entry of plan.keys) {
    if (!dryRun) await storage.delete(entry.key);
    count('intermediate', 1, entry.bytes, entry.key);
  }
  for (const jobId of plan.jobs) {
    if (await stillLive(backend, jobId)) continue;
    // remove() also drops the job's scratch prefix; a job that started again meanwhile is refused.
    if (!dryRun && !(await backend.remove(jobId).catch(() => false))) continue;
    report.removed.jobs.push(jobId);
  }
  const tempCutoff = nowMs - policy.tempDays * DAY_MS;
  const temp: TempRemoval[] = [];
  if (storage instanceof FileStorage) temp.push(...(await sweepTempNames(storage.root, tempCutoff, dryRun)));
  if (storage instanceof S3Storage) temp.push(...(await sweepS3Uploads(storage, tempCutoff, dryRun)));
  for (const root of options.scratchRoots ?? [WORKER_SCRATCH_ROOT]) {
    temp.push(...(await sweepScratchRoot(root, tempCutoff, dryRun)));
  }
  for (const t of temp) count('temp', 1, t.bytes, t.path);
  return report;
}

/** Sweeps now and then every `minutes` (a server's background chore); the returned function stops it. */
export function startSweeper(options: SweepOptions, minutes: number, log: Logger): () => void {
  if (minutes <= 0) return () => undefined;
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    sweepRetention(options)
      .then((r) => log.info({ removed: r.removed }, 'retention sweep'))
      .catch((error: unknown) => log.warn({ err: error }, 'retention sweep failed'))
      .finally(() => (running = false));
  };
  const first = setTimeout(tick, 10_000);
  const timer = setInterval(tick, minutes * 60_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

function isLive(job: JobRecord): boolean {
  return !TERMINAL_STATES.includes(job.state);
}

async function stillLive(backend: Backend, jobId: string): Promise<boolean> {
  const job = await backend.get(jobId);
  return job !== undefined && isLive(job);
}

async function allJobs(backend: Backend): Promise<JobRecord[]> {
  const jobs: JobRecord[] = [];
  for (;;) {
    // A backend may cap the page below the limit asked for: step by what came back.
    const page = await backend.list({ offset: jobs.length, limit: 500 });
    jobs.push(...page.jobs);
    if (page.jobs.length === 0 || jobs.length >= page.total) return jobs;
  }
}
