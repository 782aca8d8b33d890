import { ERROR_CODES } from '../errors.js';
import type { JobRecord, Pipeline } from './types.js';

/**
 * Whether a failed job was refused before it made anything a resume could reuse: while it was
 * planned (no tasks), or with a refusal of its inputs (a 4xx error: NO_BEATS, NO_USABLE_SHOT) among
 * the pipeline's analysis tasks, every other task never having run. Such a job is not kept.
 */
export function refusedBeforeWork(job: JobRecord, pipeline: Pipeline | undefined): boolean {
  if (job.state !== 'failed') return false;
  if (job.tasks.length === 0) return true;
  const status = job.error ? ERROR_CODES[job.error.code]?.status : undefined;
  if (status === undefined || status < 400 || status >= 500) return false;
  const analysis = new Set(pipeline?.analysisKinds ?? []);
  return (
    analysis.size > 0 &&
    job.failures.every((f) => analysis.has(f.kind)) &&
    job.tasks.every((t) => analysis.has(t.kind) || t.runs.length === 0)
  );
}
