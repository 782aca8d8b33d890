import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { listManifests, type Manifest } from '../engine/local/manifest.js';
import { TERMINAL_STATES, type JobRecord } from '../engine/types.js';
import { ERROR_CODES, FramefleetError, show } from '../errors.js';
import { checkDataDir } from '../runtime/data-dir.js';
import { defaultDataDir } from '../runtime/local-defaults.js';

// What the `jobs` commands read of the local data dir, shared by list/show and rm/clean.

export interface JobsFlags {
  dataDir?: string;
  json?: boolean;
}

export function dataDirOf(flags: JobsFlags): string {
  return resolve(flags.dataDir ?? defaultDataDir());
}

/**
 * The data dir, refused (DATA_DIR_UNUSABLE) as every command refuses it: a file, or a folder it
 * cannot write (`use` 'read': cannot read, for the commands that only look). One that does not
 * exist yet is fine: it has no jobs.
 */
export async function usableDataDir(flags: JobsFlags, use: 'read' | 'write' = 'write'): Promise<string> {
  const dir = dataDirOf(flags);
  await checkDataDir(dir, use);
  return dir;
}

/** A job's state as this machine sees it: 'interrupted' when no live process drives it. */
export function shownState(job: JobRecord): string {
  if (TERMINAL_STATES.includes(job.state)) return job.state;
  const pid = livePid(job);
  return pid === undefined ? 'interrupted' : `${job.state} (pid ${pid})`;
}

/**
 * A failed job `jobs resume` can finish: one that was planned, so its verified tasks are kept. One
 * refused while planning (bad media, a missing input) has nothing to keep: running it again is all.
 * One refused for its media once planned (422, fatal: no usable shot, music too short, frames that
 * do not decode) would fail the same way: the input must change, and that is another job.
 */
export function resumableFailure(job: JobRecord): boolean {
  if (job.state !== 'failed' || job.tasks.length === 0) return false;
  return !(job.error?.fatal && ERROR_CODES[job.error.code]?.status === 422);
}

/** The pid of a live process on this host running one of the job's tasks, if any. */
export function livePid(job: JobRecord): number | undefined {
  const host = hostname();
  for (const task of job.tasks) {
    if (task.state !== 'running' || !task.worker?.startsWith(`${host}:`)) continue;
    const pid = Number(task.worker.slice(host.length + 1));
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      // No such process: the task was running when its process died.
    }
  }
  return undefined;
}

/** Finds a job by its id or a prefix of it that names exactly one job. */
export async function findJob(dataDir: string, id: string): Promise<JobRecord> {
  return (await findManifest(dataDir, id)).job;
}

/**
 * The jobs `id` names: the one with that id, else those whose id, or whose id without its `<type>-`
 * (its hash), starts with it.
 */
export function jobsNamed<T>(
  items: readonly T[],
  jobOf: (item: T) => { id: string; type: string },
  id: string,
): T[] {
  const exact = items.find((item) => jobOf(item).id === id);
  if (exact) return [exact];
  const byId = items.filter((item) => jobOf(item).id.startsWith(id));
  if (byId.length) return byId;
  return items.filter((item) => {
    const job = jobOf(item);
    return job.id.slice(job.type.length + 1).startsWith(id);
  });
}

/**
 * A job's manifest by its id, or a prefix of the id, or of the id without its `<type>-` (`037`
 * for `transcode-037...`) that names exactly one job.
 */
export async function findManifest(dataDir: string, id: string): Promise<Manifest> {
  // An empty id (an unset shell variable) is the start of every id: it names none.
  if (id.trim() === '')
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `job id ${show(id)} is empty: \`framefleet jobs list\` shows the ids`,
    );
  const manifests = await listManifests(dataDir);
  const matches = jobsNamed(manifests, (m) => m.job, id);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `job id ${show(id)} is ambiguous: ${matches.map((m) => m.job.id).join(', ')}`,
    );
  }
  throw new FramefleetError(
    'NOT_FOUND',
    `no job ${show(id)} in ${show(dataDir)}: ids read \`<type>-<hash>\` (the start of the id or of ` +
      `its hash names one); \`framefleet jobs list\` shows them (with \`--redis URL\`, those on a fleet)`,
  );
}

export async function newestFirst(dataDir: string): Promise<JobRecord[]> {
  const jobs = (await listManifests(dataDir)).map((m) => m.job);
  return jobs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

export function report(flags: JobsFlags, value: object, human: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}
