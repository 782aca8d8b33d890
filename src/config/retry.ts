import * as z from 'zod';

/**
 * `retry:` in framefleet.yaml: how often a task that failed (and whose error a retry can fix) runs
 * again, and how long it waits first. The same in the embedded engine and on a fleet, where the
 * process that queues a task (the submitter, or the worker that planned the job) gives it its policy.
 */
export const retryConfigSchema = z.strictObject({
  /** Runs of a task in all, the first one included: 1 never retries. */
  attempts: z.int().min(1).max(10).default(3),
  /** The wait before the first retry; each later one waits twice the one before. */
  backoffSeconds: z.number().min(0).max(300).default(1),
});

export type RetryConfig = z.output<typeof retryConfigSchema>;
