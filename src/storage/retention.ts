import type { StoredObject } from './types.js';

/**
 * What a retention sweep deletes, decided without touching anything: pure over the listed objects,
 * the jobs and the clock. Storage keys by class:
 *   tmp/<attempt>/...     temp: a task attempt's scratch folder (the local engine's), left by a crash
 *   scratch/<job>/...     intermediates of one job (segments, partials): go together, by their newest file
 *   uploads/<id>/<name>   intermediates: inputs uploaded for jobs
 *   anything else         never: outputs, job records (removed through the backend), unknown keys
 * A live job (running, queued, or stopped part-way and resumable) keeps its intermediates and the
 * uploads its spec names at any age.
 */
export interface RetentionPolicy {
  tempDays: number;
  intermediateDays: number;
  jobDays: number;
}

export const DAY_MS = 86_400_000;

/** The prefixes a sweep lists; nothing outside them is ever deleted from storage. */
export const SWEPT_PREFIXES = ['tmp/', 'scratch/', 'uploads/'] as const;

export interface JobFacts {
  id: string;
  /** Not done, failed or cancelled: it may still run or be resumed. */
  live: boolean;
  /** When its record last changed. */
  updatedAtMs: number;
  /** Every string in its spec (input paths and URLs), to find the uploads it reads. */
  strings: readonly string[];
}

export interface SweepPlan {
  /** Whole prefixes to delete: `scratch/<job>/`, `tmp/<attempt>/`. */
  prefixes: { prefix: string; class: 'temp' | 'intermediate'; objects: number; bytes: number }[];
  /** Single keys to delete (uploads). */
  keys: { key: string; class: 'intermediate'; bytes: number }[];
  /** Job records to remove. */
  jobs: string[];
  /** What was kept only because a live job needs it. */
  keptForLiveJobs: string[];
}

interface Group {
  prefix: string;
  jobId?: string;
  newestMs: number;
  objects: number;
  bytes: number;
}

export function planSweep(
  objects: readonly StoredObject[],
  jobs: readonly JobFacts[],
  policy: RetentionPolicy,
  nowMs: number,
): SweepPlan {
  const liveIds = new Set(jobs.filter((j) => j.live).map((j) => j.id));
  const liveStrings = jobs.filter((j) => j.live).flatMap((j) => j.strings);
  const plan: SweepPlan = { prefixes: [], keys: [], jobs: [], keptForLiveJobs: [] };
  const groups = new Map<string, Group>();
  const group = (prefix: string, object: StoredObject, jobId?: string) => {
    const g = groups.get(prefix) ?? { prefix, jobId, newestMs: 0, objects: 0, bytes: 0 };
    g.newestMs = Math.max(g.newestMs, object.mtimeMs);
    g.objects += 1;
    g.bytes += object.size;
    groups.set(prefix, g);
  };
  const intermediateCutoff = nowMs - policy.intermediateDays * DAY_MS;
  for (const object of objects) {
    const [top, second, rest] = splitKey(object.key);
    if (second === undefined || rest === undefined) continue;
    if (top === 'tmp') group(`tmp/${second}/`, object);
    else if (top === 'scratch') group(`scratch/${second}/`, object, second);
    else if (top === 'uploads') {
      if (liveStrings.some((s) => s === object.key || s.endsWith(`/${object.key}`))) {
        plan.keptForLiveJobs.push(object.key);
      } else if (object.mtimeMs < intermediateCutoff) {
        plan.keys.push({ key: object.key, class: 'intermediate', bytes: object.size });
      }
    }
  }
  for (const g of groups.values()) {
    const temp = g.jobId === undefined;
    if (!temp && liveIds.has(g.jobId!)) {
      plan.keptForLiveJobs.push(g.prefix);
      continue;
    }
    const cutoff = nowMs - (temp ? policy.tempDays : policy.intermediateDays) * DAY_MS;
    if (g.newestMs < cutoff) {
      const { prefix, objects: count, bytes } = g;
      plan.prefixes.push({ prefix, class: temp ? 'temp' : 'intermediate', objects: count, bytes });
    }
  }
  const jobCutoff = nowMs - policy.jobDays * DAY_MS;
  plan.jobs = jobs.filter((j) => !j.live && j.updatedAtMs < jobCutoff).map((j) => j.id);
  return plan;
}

/** `a/b/c/d` -> ['a', 'b', 'c/d']; fewer segments leave the tail undefined. */
function splitKey(key: string): [string, string | undefined, string | undefined] {
  const [top = '', second, ...rest] = key.split('/');
  return [top, second, rest.length ? rest.join('/') : undefined];
}

/** Every string anywhere in a value (a job spec's paths and URLs, however nested). */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}
