import type { Backend, JobEvent, JobRecord } from '../engine/types.js';
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
  const show = (event: JobEvent) => {
    if (event.type === 'job' && event.state === 'running') loadTasks();
    // A graph that grows (a montage's renders come from its edit task) has encodes planned later.
    else if (event.type === 'task' && isEncode(event.kind) && !printer.knows(event.taskId)) loadTasks();
    printer.handle(event);
  };
  // Events of the submit itself ("waiting for a worker to come online") come before its id does.
  let early: JobEvent[] | undefined = [];
  const unsubscribe = backend.subscribe((event) => {
    if (early) early.push(event);
    else if (event.jobId === jobId) show(event);
  });
  try {
    const submitted = await start();
    jobId = submitted.id;
    onId(jobId);
    if (submitted.tasks.length) printer.setTasks(submitted.tasks);
    for (const event of early.filter((e) => e.jobId === jobId)) show(event);
    early = undefined;
    // The record has it even when its event was lost (the subscription was not yet live); the
    // printer shows a reason once however many times it comes.
    if (submitted.waitingFor) {
      show({ type: 'job', jobId, state: submitted.state, waitingFor: submitted.waitingFor });
    }
    return await backend.wait(jobId);
  } finally {
    unsubscribe();
  }
}
