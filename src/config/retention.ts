import * as z from 'zod';

/**
 * `retention:` in framefleet.yaml: how long each class of file lives. Outputs have no entry: the
 * sweeper never deletes a job's output. Nothing a running or resumable job needs is deleted at any age.
 */
export const retentionConfigSchema = z.strictObject({
  /** Orphaned temporary files (half-written uploads, abandoned per-attempt scratch folders). */
  tempDays: z.number().positive().max(3650).default(1),
  /** Intermediates of finished or abandoned jobs (segments, partials, uploaded inputs). */
  intermediateDays: z.number().positive().max(3650).default(7),
  /** Records of finished jobs (state, tasks, cost). */
  jobDays: z.number().positive().max(3650).default(30),
  /** How often `framefleet server` sweeps, in minutes; 0 turns the server's sweeper off. */
  sweepMinutes: z.number().min(0).max(10_080).default(60),
});

export type RetentionConfig = z.output<typeof retentionConfigSchema>;
