import type { JobEvent, TaskRecord } from '../types.js';
import { taskEventOf } from '../job-record.js';

/** What the put-tasks script publishes per record; subscribers turn it into a 'task' JobEvent. */
export interface TaskRecordMessage {
  type: 'task-record';
  jobId: string;
  record: TaskRecord;
}

type Message = JobEvent | TaskRecordMessage;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message shaped like one framefleet publishes: a typed event of a job (a task record has an id). */
function isMessage(value: unknown): value is Message {
  if (!isObject(value) || typeof value.type !== 'string' || typeof value.jobId !== 'string') return false;
  return value.type !== 'task-record' || (isObject(value.record) && typeof value.record.id === 'string');
}

/**
 * The job events in one pub/sub message (an event, a task record, or an array of them). Anything
 * else is dropped: the channel is anyone's who can reach Redis, and a worker of another version may
 * publish shapes this one does not know. Pure.
 */
export function eventsOfMessage(message: string): JobEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  return (Array.isArray(parsed) ? parsed : [parsed])
    .filter(isMessage)
    .map((item) =>
      item.type === 'task-record' ? taskEventOf(item.jobId, item.record, item.record.worker ?? '') : item,
    );
}
