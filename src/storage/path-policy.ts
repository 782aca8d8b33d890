import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { FramefleetError, show } from '../errors.js';
import type { Storage } from './types.js';

/** Folders a job's files must lie under, as canonical real paths (symlinks resolved). */
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

/** True when a canonical path is one of the roots or lies under one (a sibling sharing a prefix does not). */
export function insideRoots(real: string, roots: readonly string[]): boolean {
  return roots.some(
    (root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep),
  );
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
 * --input-root/--output-root (canonical), plus its uploads folder as an input root.
 */
export async function serverRoots(
  storage: Storage,
  inputRoots: readonly string[],
  outputRoots: readonly string[],
): Promise<PathRoots> {
  const uploadsDir = storage.localPath('uploads');
  if (uploadsDir) await mkdir(uploadsDir, { recursive: true });
  return {
    input: await canonicalRoots([...inputRoots, ...(uploadsDir ? [uploadsDir] : [])]),
    output: await canonicalRoots(outputRoots),
  };
}
