import type { TaskRecord } from '../types.js';

/** Lua scripts for job records: each runs atomically in Redis and costs one round trip. */

// Starts a run unless one is active: the same id submitted twice while running is one run.
export const BEGIN = `
local cur = redis.call('HGET', KEYS[1], 'state')
if cur and ARGV[7] ~= '1' and cur ~= 'done' and cur ~= 'failed' and cur ~= 'cancelled' then
  return {0, tonumber(redis.call('HGET', KEYS[1], 'run') or '0')}
end
if not cur then
  redis.call('HSET', KEYS[1], 'id', ARGV[6], 'type', ARGV[1], 'spec', ARGV[2], 'createdAt', ARGV[4])
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
end
redis.call('HSET', KEYS[1], 'state', 'queued', 'priority', ARGV[3], 'updatedAt', ARGV[4])
redis.call('HDEL', KEYS[1], 'error', 'result', 'waitingFor')
return {1, redis.call('HINCRBY', KEYS[1], 'run', 1)}`;

// A state change from a worker applies only to the current run and never leaves a terminal state.
export const SET_STATE = `
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return 0 end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'run') ~= ARGV[3] then return 0 end
if ARGV[4] == '1' and (cur == 'done' or cur == 'failed' or cur == 'cancelled') then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'updatedAt', ARGV[2])
for i = 5, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`;

// A task's start reads the job header and its record in one command.
export const CLAIM = `return {redis.call('HGETALL', KEYS[1]), redis.call('HGET', KEYS[2], ARGV[1])}`;

// Helpers of the record scripts. isDone: a stored record (JSON.stringify output, so the field is
// spelt exactly so) says the task is done. recordEvent: a record as its {type: 'task-record', jobId,
// record} event. publish: a script's events as one JSON array message.
const RECORD_HELPERS = `
local function isDone(record) return record and string.find(record, '"state":"done"', 1, true) ~= nil end
local function recordEvent(jobId, record)
  return '{"type":"task-record","jobId":' .. cjson.encode(jobId) .. ',"record":' .. record .. '}'
end
local function publish(channel, events)
  if #events > 0 then redis.call('PUBLISH', channel, '[' .. table.concat(events, ',') .. ']') end
end`;

// Task record writes in one command (writes from concurrent tasks are grouped), with their events
// published as one JSON array of {type: 'task-record', jobId, record}: the record is the event, so
// workers serialise it once. KEYS: per write the job's tasks hash, then its header hash. ARGV[1]:
// the events channel, ARGV[2]: the job events channel, then per write: task id, record, job id,
// run ('' for any run). A write applies only to the job's current run, and drops the job's
// waitingFor (a task ran, so some worker serves the job). Returns per write 0 for a stale run, 2
// when the job has already ended, else 1.
export const PUT_TASKS = `${RECORD_HELPERS}
local out, events, jobs = {}, {}, {}
for i = 1, #KEYS / 2 do
  local tasks, job, a = KEYS[2 * i - 1], KEYS[2 * i], 2 + (i - 1) * 4
  -- The job's run and state are read, and its waitingFor dropped, once per job in the batch.
  local seen = jobs[job]
  if not seen then
    seen = {run = redis.call('HGET', job, 'run') or false, state = redis.call('HGET', job, 'state')}
    jobs[job] = seen
  end
  if not seen.run or (ARGV[a + 4] ~= '' and seen.run ~= ARGV[a + 4]) then
    out[i] = 0
  else
    if not seen.cleared then
      seen.cleared = true
      if redis.call('HDEL', job, 'waitingFor') == 1 then
        redis.call('PUBLISH', ARGV[2], cjson.encode({type = 'job', jobId = ARGV[a + 3], state = seen.state}))
      end
    end
    -- A done record is written once: a late write-behind of one its parent already adopted is a no-op.
    if not (isDone(ARGV[a + 2]) and isDone(redis.call('HGET', tasks, ARGV[a + 1]))) then
      redis.call('HSET', tasks, ARGV[a + 1], ARGV[a + 2])
      events[#events + 1] = recordEvent(ARGV[a + 3], ARGV[a + 2])
    end
    local state = seen.state
    if state == 'done' or state == 'failed' or state == 'cancelled' then out[i] = 2 else out[i] = 1 end
  end
end
publish(ARGV[1], events)
return out`;

// Adopts children's done records from BullMQ, which keeps each child's return value (its record)
// in the parent's processed hash under the child's key (…<job id>.r<run>.<task id>). Nothing but
// keys crosses the network: a worker names the children it finished (short tasks, written behind),
// and a parent, before it runs, adopts all of its children, so records a worker lost or has not
// flushed yet are complete. Only for the job's current run; a child already recorded done is left
// as it is, so each task's done event is published once. KEYS: the tasks hash, the job header, the
// parent's processed hash. ARGV: the events channel, the job id, the run, then the children's keys
// (none: all of them). Returns the processed hash as HGETALL does when adopting all (the parent
// reads its inputs from it), else the number of records written.
export const ADOPT = `${RECORD_HELPERS}
local marker, events = ARGV[2] .. '.r' .. ARGV[3] .. '.', {}
local current = redis.call('HGET', KEYS[2], 'run') == ARGV[3]
local function adopt(child, record)
  local at = string.find(child, marker, 1, true)
  if not (current and at and isDone(record)) then return end
  local task = string.sub(child, at + #marker)
  if not isDone(redis.call('HGET', KEYS[1], task)) then
    redis.call('HSET', KEYS[1], task, record)
    events[#events + 1] = recordEvent(ARGV[2], record)
  end
end
local out
if #ARGV > 3 then
  for i = 4, #ARGV do adopt(ARGV[i], redis.call('HGET', KEYS[3], ARGV[i])) end
  out = #events
else
  out = redis.call('HGETALL', KEYS[3])
  for i = 1, #out, 2 do adopt(out[i], out[i + 1]) end
end
publish(ARGV[1], events)
return out`;

/** What PUT_TASKS publishes per record; subscribers turn it into a 'task' JobEvent. */
export interface TaskRecordMessage {
  type: 'task-record';
  jobId: string;
  record: TaskRecord;
}

export interface TaskScripts {
  ffClaim(jobKey: string, tasksKey: string, taskId: string): Promise<unknown>;
  ffPutTasks(numKeys: number, ...args: string[]): Promise<number[]>;
  ffAdopt(
    tasksKey: string,
    jobKey: string,
    processedKey: string,
    eventsChannel: string,
    jobId: string,
    run: string,
    ...childKeys: string[]
  ): Promise<string[] | number>;
}
