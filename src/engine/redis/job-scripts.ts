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

// A task record write and its event; on the first task start also clears the job's waitingFor.
export const PUT_TASK = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
if ARGV[5] == '1' and redis.call('HDEL', KEYS[2], 'waitingFor') == 1 then
  local state = redis.call('HGET', KEYS[2], 'state')
  redis.call('PUBLISH', ARGV[3], cjson.encode({type = 'job', jobId = ARGV[6], state = state}))
end
return 1`;

export interface TaskScripts {
  ffClaim(jobKey: string, tasksKey: string, taskId: string): Promise<unknown>;
  ffPutTask(...args: string[]): Promise<unknown>;
}
