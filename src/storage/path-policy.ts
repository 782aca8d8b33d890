import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { FramefleetError, show } from '../errors.js';
import type { Storage } from './types.js';
import { canonicalPath, workFolders } from './work-folders.js';

/**
 * Folders a job's files must lie under, as canonical real paths (symlinks resolved). An entry
 * written `!/dir` (see excludedRoot) is a folder no job file may be in even where a root holds it:
 * one of framefleet's own (workFolders: the data dir, the storage's scratch/tmp/cache/jobs, worker
 * scratch, the input cache). Kept in the same lists, so the
 * exclusion goes wherever the roots go (each check where a file is opened, a fleet job's record).
 */
export interface PathRoots {
  readonly input: readonly string[];
  readonly output: readonly string[];
}

/**
 * Where a job's files may be, asked each time one is opened, not once at submit: the server's
 * current --input-root/--output-root, a fleet worker's own roots, or the roots recorded with the
 * job. `undefined` means unconfined: the CLI on one's own machine, where the user names the files.
 */
export interface PathPolicy {
  rootsFor(jobId: string): Promise<PathRoots | undefined>;
}

/** The same roots for every job: a server's, for the local engine and its in-process workers. */
export function fixedPolicy(roots: PathRoots): PathPolicy {
  return { rootsFor: async () => roots };
}

const EXCLUDED = '!';

/** A roots-list entry that refuses every path in `dir` (canonical), whatever root holds it. */
export function excludedRoot(dir: string): string {
  return EXCLUDED + dir;
}

/** Whether canonical path `real` is folder `dir` or lies under it (a sibling sharing a prefix does not). */
export function holds(dir: string, real: string): boolean {
  return real === dir || real.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * The entry that decides about a canonical path: the deepest root or excluded folder holding it
 * (an exclusion wins a tie), so a root inside an excluded folder (the uploads folder inside the
 * data dir) is allowed and everything else there is not. Undefined when none holds it.
 */
function deciding(real: string, roots: readonly string[]): { dir: string; excluded: boolean } | undefined {
  let best: { dir: string; excluded: boolean } | undefined;
  for (const entry of roots) {
    const excluded = entry.startsWith(EXCLUDED);
    const dir = excluded ? entry.slice(EXCLUDED.length) : entry;
    if (!holds(dir, real)) continue;
    if (!best || dir.length > best.dir.length || (dir.length === best.dir.length && excluded)) {
      best = { dir, excluded };
    }
  }
  return best;
}

/**
 * True when a canonical path is one of the roots or lies under one (a sibling sharing a prefix
 * does not), and no excluded folder deeper than that root holds it.
 */
export function insideRoots(real: string, roots: readonly string[]): boolean {
  const entry = deciding(real, roots);
  return entry !== undefined && !entry.excluded;
}

/** The excluded folder that refuses a canonical path, or undefined; for messages. */
export function excludedBy(real: string, roots: readonly string[]): string | undefined {
  const entry = deciding(real, roots);
  return entry?.excluded ? entry.dir : undefined;
}

/** What the engine passes to executors, planners and verifiers: enough to ask for the roots now. */
export interface PathScope {
  jobId?: string;
  paths?: PathPolicy;
}

/** The roots that hold for this job now; undefined when the scope carries no policy. */
export async function currentRoots(scope: PathScope): Promise<PathRoots | undefined> {
  return scope.paths?.rootsFor(scope.jobId ?? '');
}

/** Canonicalises the configured roots once (they must exist); duplicates are dropped. */
export async function canonicalRoots(roots: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const root of roots) {
    try {
      out.add(await realpath(path.resolve(root)));
    } catch (cause) {
      throw new FramefleetError('INVALID_ARGUMENT', `root ${show(root)} does not exist`, { cause });
    }
  }
  return [...out];
}

/**
 * Why a canonical path `real` (named `named`) is refused: in one of framefleet's own folders, or
 * outside the roots. One line for every place a path is checked. Where it resolves to is said only
 * for a name inside the roots (a link there that leads out): for one outside, the answer would
 * tell whether any file exists and where any link points (`/proc/self/root/etc/shadow` resolved,
 * `/proc/self/root/etc/nothing` not), so every name outside reads alike.
 */
export function refusalReason(real: string, named: string, roots: readonly string[], side: string): string {
  if (deciding(named, roots) === undefined) return `is outside the allowed ${side} roots`;
  const resolved = real === named ? '' : `resolves to ${show(real)}, `;
  const work = excludedBy(real, roots);
  if (work !== undefined) {
    return `${resolved}${resolved ? 'in' : 'lies in'} framefleet's own folder ${show(work)} (job state, intermediates, scratch, caches), where no job file may be`;
  }
  return `${resolved}${resolved ? '' : 'is '}outside the allowed ${side} roots`;
}

/**
 * `roots` with framefleet's own folders (`work`, canonical) excluded: the input side keeps `uploads`
 * (a folder of client uploads) as a root, the output side excludes it. Refuses a configured root
 * that lies in one of them; `warn` hears of each one a root holds (job files there are refused).
 */
export function withExclusions(
  roots: PathRoots,
  work: readonly string[],
  uploads: readonly string[] = [],
  warn: (message: string) => void = () => undefined,
): PathRoots {
  const excluded = work.map(excludedRoot);
  const fences = { input: [...uploads, ...excluded], output: [...excluded, ...uploads.map(excludedRoot)] };
  for (const side of ['input', 'output'] as const) {
    for (const root of roots[side]) {
      const holder = excludedBy(root, fences[side]);
      if (holder !== undefined) {
        throw new FramefleetError(
          'INVALID_ARGUMENT',
          `${side} root ${show(root)} lies in framefleet's own folder ${show(holder)}, where jobs keep their state, intermediates and caches; choose a folder outside it`,
        );
      }
      for (const dir of work.filter((d) => holds(root, d) && d !== root)) {
        warn(
          `framefleet's own folder ${show(dir)} lies in the ${side} root ${show(root)}; job files there are refused`,
        );
      }
    }
  }
  return { input: [...roots.input, ...fences.input], output: [...roots.output, ...fences.output] };
}

/**
 * The roots a server confines its jobs to, at submit and again wherever a job opens a file: its
 * --input-root/--output-root (canonical), plus its uploads folder as an input root, minus
 * framefleet's own folders (workFolders: the storage's scratch/tmp/cache/jobs, the data dirs, worker
 * scratch, the input cache). A root that holds them is refused there, so no job reads another's
 * files or writes over intermediates; a root inside them is refused at start. Folders beside them
 * in the storage (an inbox, an outbox) may be roots.
 */
export async function serverRoots(
  storage: Storage,
  inputRoots: readonly string[],
  outputRoots: readonly string[],
  dataDirs: readonly string[] = [],
  warn: (message: string) => void = () => undefined,
): Promise<PathRoots> {
  const uploadsDir = storage.localPath('uploads');
  if (uploadsDir) await mkdir(uploadsDir, { recursive: true });
  const uploads = await canonicalRoots(uploadsDir ? [uploadsDir] : []);
  const roots = { input: await canonicalRoots(inputRoots), output: await canonicalRoots(outputRoots) };
  return withExclusions(roots, await workFolders(storage, dataDirs), uploads, warn);
}

/**
 * The entries a fleet worker appends to whichever roots it uses (its own, or those recorded with a
 * job): its storage's work folders, its scratch and input cache, and for outputs its uploads folder.
 */
export async function workExclusions(storage: Storage, dirs: readonly string[] = []): Promise<PathRoots> {
  const excluded = (await workFolders(storage, dirs)).map(excludedRoot);
  const uploads = storage.localPath('uploads');
  const noUploads = uploads === undefined ? [] : [excludedRoot(await canonicalPath(uploads))];
  return { input: excluded, output: [...excluded, ...noUploads] };
}
