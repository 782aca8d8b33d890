import type { Redis } from 'ioredis';
import type { PathPolicy, PathRoots } from '../../storage/path-policy.js';

/** String: the roots the submitting server confined a job to, JSON; read by workers without their own. */
export function rootsKey(prefix: string, jobId: string): string {
  return `${prefix}:roots:${jobId}`;
}

/** Records the submitter's roots with a job; called before the job's first step is queued. */
export async function recordJobRoots(
  redis: Redis,
  prefix: string,
  jobId: string,
  roots: PathRoots,
): Promise<void> {
  await redis.set(rootsKey(prefix, jobId), JSON.stringify({ input: roots.input, output: roots.output }));
}

/**
 * A fleet worker's path policy, asked each time a job file is opened: the worker's own roots when
 * it has them (`framefleet worker --input-root/--output-root`, or the server's for its in-process
 * worker), else the roots the server recorded with the job at submit, else none (a job submitted
 * with the CLI by someone who could as well run ffmpeg on those files: unconfined). `excluded`
 * (workExclusions: this worker's own storage folders, scratch and input cache) is appended to either.
 */
export function fleetPathPolicy(
  redis: Redis,
  prefix: string,
  own?: PathRoots,
  excluded: PathRoots = { input: [], output: [] },
): PathPolicy {
  const withExcluded = (roots: PathRoots): PathRoots => ({
    input: [...roots.input, ...excluded.input],
    output: [...roots.output, ...excluded.output],
  });
  return {
    async rootsFor(jobId) {
      if (own) return withExcluded(own);
      const raw = await redis.get(rootsKey(prefix, jobId));
      if (raw === null) return undefined;
      const parsed = JSON.parse(raw) as { input?: unknown; output?: unknown };
      const list = (v: unknown) =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      return withExcluded({ input: list(parsed.input), output: list(parsed.output) });
    },
  };
}
