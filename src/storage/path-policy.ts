import { existsSync } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FramefleetError, show } from '../errors.js';
import type { Storage } from './types.js';

/**
 * Folders a job's files must lie under, as canonical real paths (symlinks resolved). An entry
 * written `!/dir` (see excludedRoot) is a folder no job file may be in even where a root holds it:
 * the server's data dir, with every job's state and intermediates. Kept in the same lists, so the
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

function holds(dir: string, real: string): boolean {
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
 * The roots a server confines its jobs to, at submit and again wherever a job opens a file: its
 * --input-root/--output-root (canonical), plus its uploads folder as an input root, minus its data
 * dir and its storage's folder (`dataDirs`): a root that holds them is refused there, so no job
 * reads another's files or writes over intermediates, and a root inside them is refused at start.
 * `warn` hears of each data dir a root holds.
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
  const storageDir = storage.url.startsWith('file:') ? [fileURLToPath(storage.url)] : [];
  const data = await canonicalRoots([...dataDirs, ...storageDir].filter((dir) => existsSync(dir)));
  const input = await canonicalRoots(inputRoots);
  const output = await canonicalRoots(outputRoots);
  for (const [side, roots] of [
    ['input', input],
    ['output', output],
  ] as const) {
    for (const root of roots) {
      const holder = data.find((dir) => holds(dir, root));
      if (holder !== undefined) {
        throw new FramefleetError(
          'INVALID_ARGUMENT',
          `${side} root ${show(root)} lies in the data dir ${show(holder)}, where jobs keep their state and intermediates; choose a folder outside it`,
        );
      }
      for (const dir of data.filter((d) => holds(root, d))) {
        warn(`the data dir ${show(dir)} lies in the ${side} root ${show(root)}; job files there are refused`);
      }
    }
  }
  const excluded = data.map(excludedRoot);
  return {
    input: [...input, ...(await canonicalRoots(uploadsDir ? [uploadsDir] : [])), ...excluded],
    output: [...output, ...excluded],
  };
}
