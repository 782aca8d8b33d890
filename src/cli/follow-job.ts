import type { Backend, JobRecord } from '../engine/types.js';
import { isEncode, type ProgressPrinter } from './progress.js';

/**
 * Starts a job through `start`, feeds its events to the printer and resolves when it ends. Only
 * this job's events are shown; `onId` learns the id as soon as the backend gives it.
 */
export async function followJob(
  backend: Backend,
  start: () => Promise<JobRecord>,
  printer: ProgressPrinter,
  onId: (id: string) => void = () => undefined,
): Promise<JobRecord> {
  let jobId = '';
  const loadTasks = () =>
    void backend.get(jobId).then((job) => job?.tasks.length && printer.setTasks(job.tasks));
  const unsubscribe = backend.subscribe((event) => {
    if (event.jobId !== jobId) return;
    if (event.type === 'job' && event.state === 'running') loadTasks();
    // A graph that grows (a montage's renders come from its edit task) has encodes planned later.
    else if (event.type === 'task' && isEncode(event.kind) && !printer.knows(event.taskId)) loadTasks();
    printer.handle(event);
  });
  try {
    const submitted = await start();
    jobId = submitted.id;
    onId(jobId);
    if (submitted.tasks.length) printer.setTasks(submitted.tasks);
    return await backend.wait(jobId);
  } finally {
    unsubscribe();
  }
}
