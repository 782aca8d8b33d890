import { lstat } from 'node:fs/promises';
import type { Command } from 'commander';
import { TERMINAL_STATES, type JobRecord } from '../engine/types.js';
import { FramefleetError, show } from '../errors.js';
import type { StitchOutput } from '../pipelines/transcode/payloads.js';
import { action, dataDirOption, formatDuration, reportOptions, slotOptions } from './common.js';
import { analysisSummary } from './analysis-summary.js';
import type { AnalysisResult } from './analyze-run.js';
import { verificationLine } from './job-report.js';
import { cleanCommand, rmCommand, type CleanFlags } from './jobs-clean.js';
import {
  cancelCommand,
  FLEET_LIST_LIMIT,
  fleetFlags,
  fleetJob,
  fleetState,
  hintOf,
  retryCommand,
  withFleetJobs,
  type ListFlags,
} from './jobs-fleet.js';
import { prefixDefault } from './redis-options.js';
import { checkInputs } from '../engine/input-stamps.js';
import type { Manifest } from '../engine/local/manifest.js';
import {
  findManifest,
  newestFirst,
  resumableFailure,
  shownState,
  usableDataDir,
  type JobsFlags,
} from './jobs-data.js';

export interface ResumeFlags extends JobsFlags {
  workers?: number;
  gpuSlots?: number;
  quiet?: boolean;
  verbose?: boolean;
}

/**
 * `framefleet jobs list|show|rm|clean|resume`: the embedded engine's jobs in the local data dir;
 * `list|show|cancel|retry --redis URL`: the fleet's.
 */
export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description(
      "list, show, remove, clean up or resume the jobs in the local data dir; with --redis, list, show, cancel or retry the fleet's",
    );
  const withDir = dataDirOption;
  const withFleet = (command: Command) =>
    command
      .option('--redis <url>', "the fleet's jobs, through this Redis, instead of the local data dir's")
      .option('--prefix <prefix>', 'with --redis: the Redis key prefix', prefixDefault());

  withFleet(withDir(jobs.command('list').description('every job, newest first, with its state')))
    .option('--json', 'machine-readable output')
    .action(action(async (flags: ListFlags) => listCommand(flags)));

  withFleet(
    withDir(jobs.command('show').description("a job's spec, state, tasks and result").argument('<id>')),
  )
    .option('--json', 'the whole job record')
    .action(action(async (id: string, flags: ListFlags) => showCommand(id, flags)));

  withFleet(
    jobs.command('cancel').description("stop a fleet job (its workers' encodes stop)").argument('<id>'),
  )
    .option('--json', 'the job record after')
    .action(action(async (id: string, flags: ListFlags) => cancelCommand(id, flags)));

  withFleet(
    jobs
      .command('retry')
      .description('run a failed or cancelled fleet job again, reusing what verifies')
      .argument('<id>'),
  )
    .option('--json', 'the job record after')
    .action(action(async (id: string, flags: ListFlags) => retryCommand(id, flags)));

  withDir(jobs.command('rm').description("remove jobs' state and segment files").argument('<ids...>'))
    .option('--json', 'machine-readable output')
    .action(action(async (ids: string[], flags: JobsFlags) => rmCommand(ids, flags)));

  withDir(
    jobs
      .command('clean')
      .description(
        'remove done and cancelled jobs and leftover scratch folders; failed jobs stay, resumable, unless --failed',
      ),
  )
    .option('--failed', 'also remove failed jobs (their verified segments, which a resume would reuse)')
    .option('--all', 'also remove failed and interrupted jobs (never one a live process runs)')
    .option('--json', 'machine-readable output')
    .action(action(async (flags: CleanFlags) => cleanCommand(flags)));

  reportOptions(
    slotOptions(
      withDir(
        jobs
          .command('resume')
          .description(
            'run an unfinished job to the end, reusing its verified segments (a done one: nothing to do)',
          )
          .argument('<id>'),
      ),
    ),
  ).action(
    action(async (id: string, flags: ResumeFlags) => {
      const dataDir = await usableDataDir(flags);
      const manifest = await findManifest(dataDir, id);
      const job = manifest.job;
      // Running a done job again would rewrite its record (its time, its segments as reused).
      if (job.state === 'done') {
        // Done, and what it made is gone: a resume cannot bring it back, and "done" would hide it.
        const gone = await goneOutput(job);
        if (gone) {
          throw new FramefleetError(
            'OUTPUT_GONE',
            `job ${job.id} is done, but its output ${show(gone)} no longer exists; resume only finishes unfinished jobs: run the job's command again to make it`,
          );
        }
        const line = `job ${job.id} is already done; nothing to resume`;
        const json = { type: 'result', jobId: job.id, state: job.state, resumed: false, result: job.result };
        return void process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${line}\n`);
      }
      // Before any work, so a refused resume changes nothing and the job resumes once its input is back.
      await checkInputs(manifest.inputs, job.id);
      const { resumeCommand } = await import('./jobs-resume.js');
      await resumeCommand(job, dataDir, flags);
    }),
  );
}

async function listCommand(flags: ListFlags): Promise<void> {
  const fleet = flags.redis !== undefined;
  let jobs: JobRecord[];
  let where: string;
  if (fleet) {
    jobs = await withFleetJobs(
      fleetFlags(flags),
      async (b) => (await b.list({ limit: FLEET_LIST_LIMIT })).jobs,
    );
    where = `on the fleet (key prefix ${show(flags.prefix)})`;
  } else {
    const dataDir = await usableDataDir(flags, 'read');
    jobs = await newestFirst(dataDir);
    where = `in ${dataDir}`;
  }
  // A local job may be interrupted (its process gone).
  const stateOf = (j: JobRecord) => (fleet ? fleetState(j) : shownState(j));
  if (flags.json) {
    const rows = jobs.map((j) => ({ ...summary(j), shownState: stateOf(j) }));
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  if (jobs.length === 0) return void process.stdout.write(`no jobs ${where}\n`);
  const header = ['ID', 'TYPE', 'STATE', 'PROGRESS', 'UPDATED', 'OUTPUT'];
  const rows = jobs.map((j) => [
    j.id,
    j.type,
    stateOf(j),
    `${Math.floor(j.progress * 100)}%`,
    j.updatedAt.replace('T', ' ').slice(0, 19),
    specOutput(j) ?? '',
  ]);
  process.stdout.write(table([header, ...rows]));
}

async function showCommand(id: string, flags: ListFlags): Promise<void> {
  const fleet = flags.redis !== undefined;
  const on = fleetFlags(flags);
  const manifest: Pick<Manifest, 'job' | 'runStartedAt' | 'runs'> = fleet
    ? { job: await withFleetJobs(on, (b) => fleetJob(b, id, on)) }
    : await findManifest(await usableDataDir(flags, 'read'), id);
  const job = manifest.job;
  if (flags.json) return void process.stdout.write(`${JSON.stringify(job)}\n`);
  const state = fleet ? fleetState(job) : shownState(job);
  const again = fleet
    ? (job.state === 'cancelled' || (job.state === 'failed' && !job.error?.fatal)) &&
      `retry with \`framefleet jobs retry ${job.id} ${hintOf(flags)}\``
    : (state === 'interrupted' || resumableFailure(job) || job.state === 'cancelled') &&
      `resume with \`framefleet jobs resume ${job.id}\``;
  const segments = job.tasks.filter((t) => /\.(segment|whole)$/.test(t.kind));
  const lines: [string, string | undefined][] = [
    ['job', job.id],
    ['type', job.type],
    ['state', again ? `${state} (${again})` : state],
    ['input', specInput(job)],
    ['output', specOutput(job)],
    ['created', job.createdAt],
    ['took', tookLine(manifest)],
    ['progress', `${(job.progress * 100).toFixed(1)}%`],
    ['waiting', job.state === 'running' ? job.waitingFor : undefined],
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

/** How long the last run took ("3.5s (the last of 4 runs)"): earlier runs are not this one's time. */
function tookLine({
  job,
  runStartedAt,
  runs,
}: Pick<Manifest, 'job' | 'runStartedAt' | 'runs'>): string | undefined {
  if (!TERMINAL_STATES.includes(job.state)) return undefined;
  // A manifest from before runs were kept counts from the job's creation.
  const took = formatDuration((Date.parse(job.updatedAt) - Date.parse(runStartedAt ?? job.createdAt)) / 1000);
  return runs !== undefined && runs > 1 ? `${took} (the last of ${runs} runs)` : took;
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

/** A done job's local output path when nothing is there any more (a URL is not looked up). */
async function goneOutput(job: JobRecord): Promise<string | undefined> {
  const output = specOutput(job);
  if (!output || /^[a-z][a-z0-9+.-]*:\/\//i.test(output)) return undefined;
  const there = await lstat(output).then(
    () => true,
    () => false,
  );
  return there ? undefined : output;
}

function resultLine(job: JobRecord): string | undefined {
  if (job.state !== 'done' || job.result === undefined) return undefined;
  if (job.type === 'transcode') return verificationLine(job.result as StitchOutput);
  // An analysis says what `analyze` prints (its cuts, its tempo), aligned under the label.
  if (job.type.startsWith('analyze.'))
    return analysisSummary(job.result as AnalysisResult).replaceAll('\n', `\n${' '.repeat(10)}`);
  return JSON.stringify(job.result).slice(0, 200);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${rows.map(line).join('\n')}\n`;
}
