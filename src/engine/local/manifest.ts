import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord, TaskGraph } from '../types.js';

/** What the local backend keeps per job: the record and the plan, so a restart resumes the same plan. */
export interface Manifest {
  version: 1;
  job: JobRecord;
  graph: TaskGraph | undefined;
}

export function jobDir(dataDir: string, jobId: string): string {
  return join(dataDir, 'jobs', jobId);
}

/** Writes to a temporary name and renames: a reader (or a crash) never sees half a manifest. */
export async function writeManifest(dataDir: string, manifest: Manifest): Promise<void> {
  const dir = jobDir(dataDir, manifest.job.id);
  await mkdir(dir, { recursive: true });
  const target = join(dir, 'manifest.json');
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 1));
  await rename(tmp, target);
}

export async function readManifest(dataDir: string, jobId: string): Promise<Manifest | undefined> {
  try {
    const text = await readFile(join(jobDir(dataDir, jobId), 'manifest.json'), 'utf8');
    const manifest = JSON.parse(text) as Manifest;
    return manifest.version === 1 ? manifest : undefined;
  } catch {
    return undefined;
  }
}

export async function listManifests(dataDir: string): Promise<Manifest[]> {
  const ids = await readdir(join(dataDir, 'jobs')).catch(() => [] as string[]);
  const manifests = await Promise.all(ids.map((id) => readManifest(dataDir, id)));
  return manifests.filter((m): m is Manifest => m !== undefined);
}
