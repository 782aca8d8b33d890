import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { jobScratchDir, scratchPrefix } from '../engine/lifecycle.js';
import { jobDir } from '../engine/local/manifest.js';
import { TERMINAL_STATES, type JobRecord } from '../engine/types.js';
import { FramefleetError, show } from '../errors.js';
import { plural } from './common.js';
import {
  dataDirOf,
  findJob,
  livePid,
  newestFirst,
  report,
  resumableFailure,
  shownState,
  type JobsFlags,
} from './jobs-data.js';

export interface CleanFlags extends JobsFlags {
  /** Also failed jobs `jobs resume` could finish. */
  failed?: boolean;
  /** Also failed and interrupted jobs. */
  all?: boolean;
}

/** Why `jobs clean` leaves a job, by what the summary calls it. */
type KeptAs = 'failed' | 'interrupted' | 'running';

export async function rmCommand(ids: string[], flags: JobsFlags): Promise<void> {
  const dataDir = dataDirOf(flags);
  const jobs = await Promise.all(ids.map((id) => findJob(dataDir, id)));
  for (const job of jobs) refuseLive(job);
  for (const job of jobs) await removeJob(dataDir, job.id);
  report(flags, { removed: jobs.map((j) => j.id) }, jobs.map((j) => `removed ${j.id}`).join('\n'));
}

/**
 * Removes done and cancelled jobs and scratch folders no job owns. A failed job that was planned is
 * kept unless --failed or --all (`jobs show` offers to resume it, and its verified segments are
 * what a resume reuses), an interrupted one unless --all; one a live process runs, always.
 */
export async function cleanCommand(flags: CleanFlags): Promise<void> {
  const dataDir = dataDirOf(flags);
  const jobs = await newestFirst(dataDir);
  const kept: Record<KeptAs, string[]> = { failed: [], interrupted: [], running: [] };
  const gone: JobRecord[] = [];
  for (const job of jobs) {
    const why = keptAs(job, flags);
    if (why) kept[why].push(job.id);
    else gone.push(job);
  }
  for (const job of gone) await removeJob(dataDir, job.id);
  // Segment files of no job left (a job removed by hand, or by a removal that was cut short). The
  // kept jobs' own are what a resume reuses; with a live process about, nothing is touched.
  const left = new Set(jobs.map((j) => j.id).filter((id) => !gone.some((g) => g.id === id)));
  const scratch =
    kept.running.length > 0
      ? []
      : (await readdir(join(dataDir, 'scratch')).catch(() => [] as string[])).filter((n) => !left.has(n));
  for (const name of scratch) await rm(join(dataDir, 'scratch', name), { recursive: true, force: true });
  report(
    flags,
    { removed: gone.map((j) => j.id), scratch: scratch.length, left: left.size, kept },
    `removed ${plural(gone.length, 'job')}` +
      (scratch.length ? ` and ${scratch.length} leftover scratch folder(s)` : '') +
      `; ${left.size} left${keptLine(kept)}`,
  );
}

function keptAs(job: JobRecord, flags: CleanFlags): KeptAs | undefined {
  if (livePid(job) !== undefined) return 'running';
  if (job.state === 'failed')
    return resumableFailure(job) && !flags.failed && !flags.all ? 'failed' : undefined;
  if (TERMINAL_STATES.includes(job.state)) return undefined;
  return shownState(job) === 'interrupted' && !flags.all ? 'interrupted' : undefined;
}

/** " (1 failed, resumable: --failed removes it; 2 interrupted: --all removes them)", or nothing. */
function keptLine(kept: Record<KeptAs, string[]>): string {
  const them = (ids: string[]) => (ids.length === 1 ? 'it' : 'them');
  const parts = [
    kept.failed.length
      ? `${kept.failed.length} failed, resumable with \`framefleet jobs resume ID\`: --failed removes ${them(kept.failed)}`
      : '',
    kept.interrupted.length
      ? `${kept.interrupted.length} interrupted: --all removes ${them(kept.interrupted)}`
      : '',
    kept.running.length ? `${kept.running.length} running in a live process` : '',
  ].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** A job's manifest, its segment files and what attempts of a killed run left (never its output). */
async function removeJob(dataDir: string, jobId: string): Promise<void> {
  await rm(join(dataDir, scratchPrefix(jobId)), { recursive: true, force: true });
  await rm(join(dataDir, 'tmp', jobScratchDir(jobId)), { recursive: true, force: true });
  await rm(jobDir(dataDir, jobId), { recursive: true, force: true });
}

function refuseLive(job: JobRecord): void {
  const pid = livePid(job);
  if (pid !== undefined) {
    throw new FramefleetError(
      'CONFLICT',
      `job ${show(job.id)} is running in process ${pid}; stop that command first (Ctrl-C keeps it resumable)`,
    );
  }
}
