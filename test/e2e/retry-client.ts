import type { JobRecord } from '../../src/engine/types.js';
import { until } from '../helpers/processes.js';
import type { Harness } from './harness.js';
import { sampleClip } from '../helpers/media.js';

/** What the input-stamp tests of both engines ask the API: a retry, and a job until it settles. */

// A body-less state-changing request says it is not a cross-site form post.
export const CLIENT = { 'x-requested-with': 'test' };
export type Answer = JobRecord & { error?: { code: string; message: string } };

export const clipOf = (file: string, scenes: number[]) =>
  sampleClip({ path: file, width: 480, height: 270, fps: 30, scenes });

export async function retry(h: Harness, id: string): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${h.url}/v1/jobs/${id}/retry`, { method: 'POST', headers: CLIENT });
  return { status: response.status, body: (await response.json()) as Answer };
}

export const segments = (job: JobRecord) => job.tasks.filter((t) => t.kind === 'transcode.segment');

/** Polls the API until the job is done or failed, as a client would after a 202. */
export async function settled(h: Harness, id: string): Promise<JobRecord> {
  return until('the job to settle', async () => {
    const job = (await (await fetch(`${h.url}/v1/jobs/${id}`)).json()) as JobRecord;
    return job.state === 'done' || job.state === 'failed' ? job : undefined;
  });
}
