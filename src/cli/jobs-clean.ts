import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { jobScratchDir, scratchPrefix } from '../engine/lifecycle.js';
import { jobDir } from '../engine/local/manifest.js';
import { TERMINAL_STATES, type JobRecord } from '../engine/types.js';
import { FramefleetError, show, toFramefleetError } from '../errors.js';
import { plural } from './common.js';
import {
  findJob,
  livePid,
  newestFirst,
  report,
  resumableFailure,
  usableDataDir,
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

/** Removes the jobs named, each once, or (one missing or running) none of them, and says so. */
export async function rmCommand(ids: string[], flags: JobsFlags): Promise<void> {
  const dataDir = await usableDataDir(flags);
  const named = [...new Set(ids)];
  const jobs: JobRecord[] = [];
  try {
    for (const id of named) {
      const job = await findJob(dataDir, id);
      refuseLive(job);
      // Two ids (an id and its prefix) may name one job: it is removed, and said, once.
      if (!jobs.some((j) => j.id === job.id)) jobs.push(job);
    }
  } catch (raw) {
    if (named.length === 1) throw raw;
    const error = toFramefleetError(raw);
    throw new FramefleetError(error.code, `${error.message}; nothing was removed`, { cause: error });
  }
  for (const job of jobs) await removeJob(dataDir, job.id);
  report(flags, { removed: jobs.map((j) => j.id) }, jobs.map((j) => `removed ${j.id}`).join('\n'));
}

/**
 * Removes done and cancelled jobs and scratch folders no job owns. A failed job that was planned is
 * kept unless --failed or --all (`jobs show` offers to resume it, and its verified segments are
 * what a resume reuses), an interrupted one unless --all; one a live process runs, always.
 */
export async function cleanCommand(flags: CleanFlags): Promise<void> {
  const dataDir = await usableDataDir(flags);
  const jobs = await newestFirst(dataDir);
  const kept: Record<KeptAs, string[]> = { failed: [], interrupted: [], running: [] };
  const gone: JobRecord[] = [];
  for (const job of jobs) {
    const why = keptAs(job, flags);
    if (why) kept[why].push(job.id);
    else gone.push(job);
  }
  for (const job of gone) await removeJob(dataDir, job.id);
  // Segment files and killed attempts' folders of no job left (a job removed by hand, or by a
  // removal cut short). The kept jobs' own are what a resume reuses; with a live process about,
  // nothing is touched.
  const left = new Set(Object.values(kept).flat());
  const orphans = kept.running.length > 0 ? [] : await orphanFolders(dataDir, [...left]);
  for (const folder of orphans) await rm(join(dataDir, folder), { recursive: true, force: true });
  report(
    flags,
    { removed: gone.map((j) => j.id), scratch: orphans.length, left: left.size, kept },
    `removed ${plural(gone.length, 'job')}` +
      (orphans.length ? ` and ${plural(orphans.length, 'leftover scratch folder')}` : '') +
      `; ${left.size} left${keptLine(kept)}`,
  );
}

/** `scratch/<id>` and `tmp/job-<id>` folders (as data-dir paths) of none of the jobs `left`. */
async function orphanFolders(dataDir: string, left: string[]): Promise<string[]> {
  const list = (folder: string) => readdir(join(dataDir, folder)).catch(() => [] as string[]);
  const scratch = new Set(left);
  const tmp = new Set(left.map(jobScratchDir));
  return [
    ...(await list('scratch')).filter((n) => !scratch.has(n)).map((n) => join('scratch', n)),
    // Only a job's attempt folders: tmp/ may hold other things of the engine's.
    ...(await list('tmp')).filter((n) => n.startsWith('job-') && !tmp.has(n)).map((n) => join('tmp', n)),
  ];
}

function keptAs(job: JobRecord, flags: CleanFlags): KeptAs | undefined {
  if (livePid(job) !== undefined) return 'running';
  if (job.state === 'failed')
    return resumableFailure(job) && !flags.failed && !flags.all ? 'failed' : undefined;
  if (TERMINAL_STATES.includes(job.state)) return undefined;
  // Not finished and no live process drives it: interrupted.
  return flags.all ? undefined : 'interrupted';
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
export async function removeJob(dataDir: string, jobId: string): Promise<void> {
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
