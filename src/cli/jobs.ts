import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { jobDir, listManifests } from '../engine/local/manifest.js';
import { TERMINAL_STATES, type JobRecord } from '../engine/types.js';
import { FramefleetError, show } from '../errors.js';
import { defaultDataDir } from '../runtime/local-defaults.js';
import type { StitchOutput } from '../pipelines/transcode/payloads.js';
import { action, dataDirOption, formatDuration, reportOptions, slotOptions } from './common.js';
import { verificationLine } from './job-report.js';

interface JobsFlags {
  dataDir?: string;
  json?: boolean;
}

export interface ResumeFlags extends JobsFlags {
  workers?: number;
  gpuSlots?: number;
  quiet?: boolean;
  verbose?: boolean;
}

/** `framefleet jobs list|show|rm|clean|resume`: the embedded engine's jobs in the local data dir. */
export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('list, show, remove, clean up or resume the jobs in the local data dir');
  const withDir = dataDirOption;

  withDir(jobs.command('list').description('every job, newest first, with its state'))
    .option('--json', 'machine-readable output')
    .action(action(async (flags: JobsFlags) => listCommand(flags)));

  withDir(jobs.command('show').description("a job's spec, state, tasks and result").argument('<id>'))
    .option('--json', 'the whole job record')
    .action(action(async (id: string, flags: JobsFlags) => showCommand(id, flags)));

  withDir(jobs.command('rm').description("remove jobs' state and segment files").argument('<ids...>'))
    .option('--json', 'machine-readable output')
    .action(action(async (ids: string[], flags: JobsFlags) => rmCommand(ids, flags)));

  withDir(
    jobs
      .command('clean')
      .description('remove finished jobs (done, failed, cancelled) and leftover scratch files'),
  )
    .option('--all', 'also remove interrupted jobs (never one a live process runs)')
    .option('--json', 'machine-readable output')
    .action(action(async (flags: JobsFlags & { all?: boolean }) => cleanCommand(flags)));

  reportOptions(
    slotOptions(
      withDir(
        jobs
          .command('resume')
          .description('run an unfinished job to the end, reusing its verified segments')
          .argument('<id>'),
      ),
    ),
  ).action(
    action(async (id: string, flags: ResumeFlags) => {
      const { resumeCommand } = await import('./jobs-resume.js');
      const job = await findJob(dataDirOf(flags), id);
      await resumeCommand(job, dataDirOf(flags), flags);
    }),
  );
}

export function dataDirOf(flags: JobsFlags): string {
  return resolve(flags.dataDir ?? defaultDataDir());
}

/** A job's state as this machine sees it: 'interrupted' when no live process drives it. */
export function shownState(job: JobRecord): string {
  if (TERMINAL_STATES.includes(job.state)) return job.state;
  const pid = livePid(job);
  return pid === undefined ? 'interrupted' : `${job.state} (pid ${pid})`;
}

/** The pid of a live process on this host running one of the job's tasks, if any. */
function livePid(job: JobRecord): number | undefined {
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
  const jobs = (await listManifests(dataDir)).map((m) => m.job);
  const exact = jobs.find((j) => j.id === id);
  if (exact) return exact;
  const matches = jobs.filter((j) => j.id.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `job id ${show(id)} is ambiguous: ${matches.map((j) => j.id).join(', ')}`,
    );
  }
  throw new FramefleetError(
    'NOT_FOUND',
    `no job ${show(id)} in ${show(dataDir)} (see \`framefleet jobs list\`)`,
  );
}

async function newestFirst(dataDir: string): Promise<JobRecord[]> {
  const jobs = (await listManifests(dataDir)).map((m) => m.job);
  return jobs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

async function listCommand(flags: JobsFlags): Promise<void> {
  const jobs = await newestFirst(dataDirOf(flags));
  if (flags.json) {
    const rows = jobs.map((j) => ({ ...summary(j), shownState: shownState(j) }));
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  if (jobs.length === 0) return void process.stdout.write(`no jobs in ${dataDirOf(flags)}\n`);
  const header = ['ID', 'TYPE', 'STATE', 'PROGRESS', 'UPDATED', 'OUTPUT'];
  const rows = jobs.map((j) => [
    j.id,
    j.type,
    shownState(j),
    `${Math.floor(j.progress * 100)}%`,
    j.updatedAt.replace('T', ' ').slice(0, 19),
    specOutput(j) ?? '',
  ]);
  process.stdout.write(table([header, ...rows]));
}

async function showCommand(id: string, flags: JobsFlags): Promise<void> {
  const job = await findJob(dataDirOf(flags), id);
  if (flags.json) return void process.stdout.write(`${JSON.stringify(job)}\n`);
  const state = shownState(job);
  const segments = job.tasks.filter((t) => /\.(segment|whole)$/.test(t.kind));
  const lines: [string, string | undefined][] = [
    ['job', job.id],
    ['type', job.type],
    [
      'state',
      state === 'interrupted' || job.state === 'failed' || job.state === 'cancelled'
        ? `${state} (resume with \`framefleet jobs resume ${job.id}\`)`
        : state,
    ],
    ['input', specInput(job)],
    ['output', specOutput(job)],
    ['created', job.createdAt],
    [
      'took',
      TERMINAL_STATES.includes(job.state)
        ? formatDuration((Date.parse(job.updatedAt) - Date.parse(job.createdAt)) / 1000)
        : undefined,
    ],
    ['progress', `${(job.progress * 100).toFixed(1)}%`],
    [
      'segments',
      segments.length
        ? `${segments.filter((t) => t.state === 'done').length}/${segments.length} done` +
          `, ${segments.filter((t) => t.reused).length} reused`
        : undefined,
    ],
    ['error', job.error ? `${job.error.message} [${job.error.code}]` : undefined],
    ...(job.warnings ?? []).map((w): [string, string] => ['warning', w]),
    ['failures', job.failures.length ? String(job.failures.length) : undefined],
    ['result', resultLine(job)],
  ];
  const text = lines.filter(([, v]) => v !== undefined).map(([k, v]) => `${k.padEnd(9)} ${v}`);
  process.stdout.write(`${text.join('\n')}\n`);
}

async function rmCommand(ids: string[], flags: JobsFlags): Promise<void> {
  const dataDir = dataDirOf(flags);
  const jobs = await Promise.all(ids.map((id) => findJob(dataDir, id)));
  for (const job of jobs) refuseLive(job);
  for (const job of jobs) await rm(jobDir(dataDir, job.id), { recursive: true, force: true });
  report(flags, { removed: jobs.map((j) => j.id) }, jobs.map((j) => `removed ${j.id}`).join('\n'));
}

async function cleanCommand(flags: JobsFlags & { all?: boolean }): Promise<void> {
  const dataDir = dataDirOf(flags);
  const jobs = await newestFirst(dataDir);
  const gone = jobs.filter(
    (j) => TERMINAL_STATES.includes(j.state) || (flags.all && shownState(j) === 'interrupted'),
  );
  for (const job of gone) await rm(jobDir(dataDir, job.id), { recursive: true, force: true });
  // Scratch space of attempts whose process died; a live process's attempt is left alone.
  const anyLive = jobs.some((j) => livePid(j) !== undefined);
  const scratch = anyLive ? [] : await readdir(join(dataDir, 'scratch')).catch(() => [] as string[]);
  for (const name of scratch) await rm(join(dataDir, 'scratch', name), { recursive: true, force: true });
  const left = jobs.length - gone.length;
  report(
    flags,
    { removed: gone.map((j) => j.id), scratch: scratch.length, left },
    `removed ${gone.length} job${gone.length === 1 ? '' : 's'}` +
      (scratch.length ? ` and ${scratch.length} leftover scratch folder(s)` : '') +
      `; ${left} left${!flags.all && left ? ' (interrupted jobs stay unless --all)' : ''}`,
  );
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

function report(flags: JobsFlags, value: object, human: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

function summary(job: JobRecord) {
  const { tasks: _tasks, failures: _failures, result: _result, ...rest } = job;
  return { ...rest, tasks: job.tasks.length, failures: job.failures.length };
}

function specInput(job: JobRecord): string | undefined {
  const spec = job.spec as { input?: unknown; inputs?: unknown };
  if (typeof spec?.input === 'string') return spec.input;
  return Array.isArray(spec?.inputs) ? spec.inputs.join(', ') : undefined;
}

function specOutput(job: JobRecord): string | undefined {
  const output = (job.spec as { output?: unknown })?.output;
  return typeof output === 'string' ? output : undefined;
}

function resultLine(job: JobRecord): string | undefined {
  if (job.state !== 'done' || job.result === undefined) return undefined;
  if (job.type === 'transcode') return verificationLine(job.result as StitchOutput);
  return JSON.stringify(job.result).slice(0, 200);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${rows.map(line).join('\n')}\n`;
}
