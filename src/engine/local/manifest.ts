import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredExpansion } from '../graph.js';
import type { JobRecord, TaskGraph } from '../types.js';
import type { InputStamp } from '../input-stamps.js';
import { replaceFile } from '../../storage/replace-file.js';

/**
 * What the local backend keeps per job: the record, the planned graph and the expansions its tasks
 * made since, so a restart resumes the same (grown) graph.
 */
export interface Manifest {
  version: 2;
  job: JobRecord;
  /** The graph as planned; undefined until the job is planned. */
  graph: TaskGraph | undefined;
  expansions: StoredExpansion[];
  /** The pipeline's `planner` that planned `graph` (absent: none named, or planned before it was kept). */
  plannedBy?: string;
  /**
   * The build of framefleet that last ran the job's tasks (LocalBackendOptions.build; absent: not
   * recorded, as by builds before it was kept).
   */
  build?: string;
  /** When the job's last run began (absent: not recorded, as by builds before it was kept). */
  runStartedAt?: string;
  /** Its local input files as they were when it was planned (absent: planned before they were kept). */
  inputs?: InputStamp[];
  /** How many runs the job had, this one included (absent: a job made before they were counted). */
  runs?: number;
}

/** The manifest of a job that has not run yet: its runs are counted from the first. */
export function newManifest(job: JobRecord): Manifest {
  return { version: 2, job, graph: undefined, expansions: [], runs: 0 };
}

export function jobDir(dataDir: string, jobId: string): string {
  return join(dataDir, 'jobs', jobId);
}

/** Writes to a temporary name and renames: a reader (or a crash) never sees half a manifest. */
export async function writeManifest(dataDir: string, manifest: Manifest): Promise<void> {
  await replaceFile(join(jobDir(dataDir, manifest.job.id), 'manifest.json'), JSON.stringify(manifest));
}

export async function readManifest(dataDir: string, jobId: string): Promise<Manifest | undefined> {
  try {
    const text = await readFile(join(jobDir(dataDir, jobId), 'manifest.json'), 'utf8');
    return upgrade(JSON.parse(text) as Manifest | ManifestV1);
  } catch {
    return undefined;
  }
}

export async function listManifests(dataDir: string): Promise<Manifest[]> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => [] as string[]);
  const manifests = await Promise.all(ids.map((id) => readManifest(dataDir, id)));
  return manifests.filter((m): m is Manifest => m !== undefined);
}

export async function removeManifest(dataDir: string, jobId: string): Promise<void> {
  await rm(jobDir(dataDir, jobId), { recursive: true, force: true });
}

/** The first layout (before runs, usage and expansions): read as the current one. */
interface ManifestV1 {
  version: 1;
  job: JobRecord;
  graph: TaskGraph | undefined;
}

function upgrade(manifest: Manifest | ManifestV1): Manifest | undefined {
  if (manifest.version === 2) return manifest;
  if (manifest.version !== 1) return undefined;
  const job: JobRecord = {
    ...manifest.job,
    usage: manifest.job.usage ?? {},
    tasks: manifest.job.tasks.map((t) => ({ ...t, runs: t.runs ?? [] })),
  };
  return { version: 2, job, graph: manifest.graph, expansions: [] };
}
