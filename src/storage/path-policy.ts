import path from 'node:path';

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
