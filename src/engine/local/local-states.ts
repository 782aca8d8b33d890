import { join } from 'node:path';
import { diskFullCode, noSpaceError, show, type FramefleetError } from '../../errors.js';
import type { Emitter } from '../emitter.js';
import { jobErrorOf, jobProgress } from '../job-record.js';
import { usageOf } from '../lifecycle.js';
import type { JobEvent, JobRecord, JobState, Logger } from '../types.js';
import type { LocalJob } from './local-job.js';
import { jobDir, writeManifest } from './manifest.js';

/** The local backend's job transitions: state changes with their events, waiters, and the manifest writes. */
export class LocalStates {
  /** Jobs whose manifest could not be written: said once each, not at every state change after. */
  private readonly unsaved = new WeakSet<LocalJob>();

  constructor(
    private readonly dataDir: string,
    private readonly events: Emitter<JobEvent>,
    private readonly clock: () => Date,
    private readonly log: Logger,
  ) {}

  stopPending(job: LocalJob): void {
    const now = this.clock().toISOString();
    for (const record of job.records.values()) {
      if (record.state === 'pending' || record.state === 'queued') {
        record.state = 'cancelled';
        record.finishedAt = now;
      }
    }
  }

  fail(job: LocalJob, error: FramefleetError): void {
    job.controller.abort(error);
    this.stopPending(job);
    job.record.error = jobErrorOf(error);
    this.finish(job, 'failed', undefined);
  }

  finish(job: LocalJob, state: JobState, result: unknown): void {
    const record = job.record;
    job.active = false;
    record.result = result;
    record.waitingFor = undefined;
    record.usage = usageOf(record.tasks);
    if (state === 'done') record.progress = 1;
    this.setState(job, state);
    if (job.running.size === 0) this.release(job);
  }

  release(job: LocalJob): void {
    // Only those waiting now get this outcome; a wait() after a retry waits for the next one.
    const snapshot = this.snapshot(job);
    const waiters = job.waiters.splice(0);
    void job.writing.then(() => {
      for (const waiter of waiters) waiter(snapshot);
    });
  }

  setState(job: LocalJob, state: JobState): void {
    const record = job.record;
    record.state = state;
    record.updatedAt = this.clock().toISOString();
    this.events.emit({
      type: 'job',
      jobId: record.id,
      state,
      ...(record.error ? { error: record.error } : {}),
      ...(record.waitingFor ? { waitingFor: record.waitingFor } : {}),
    });
    this.persist(job, true);
  }

  /** State changes are written at once; progress at most once a second. */
  persist(job: LocalJob, force: boolean): void {
    const now = this.clock().getTime();
    if (!force && now - job.lastWrite < 1000) return;
    job.lastWrite = now;
    job.writing = job.writing
      .then(() => writeManifest(this.dataDir, job.manifest))
      .catch((error: unknown) => this.unsavedManifest(job, error));
  }

  /** One line naming the manifest and why it was not written (a full disk, a folder made read-only). */
  private unsavedManifest(job: LocalJob, error: unknown): void {
    if (this.unsaved.has(job)) return;
    this.unsaved.add(job);
    const path = join(jobDir(this.dataDir, job.id), 'manifest.json');
    const reason = diskFullCode(error)
      ? noSpaceError(path, error).message
      : `${show(path)}: ${error instanceof Error ? error.message : String(error)}`;
    this.log.error(
      { jobId: job.id, path, err: String(error) },
      `cannot write the manifest of job ${job.id}, its state is not saved: ${reason}`,
    );
  }

  snapshot(job: LocalJob): JobRecord {
    const copy = structuredClone(job.record);
    if (copy.state !== 'done') copy.progress = jobProgress(copy.tasks);
    copy.usage = usageOf(copy.tasks);
    return copy;
  }
}
