-- A state change applies only to the current run (A.run, '' for any) and, with A.guard, never
-- leaves a terminal state. Row args: header field, JSON value ('' deletes it). Keeps the
-- per-state job index. Returns 1 when applied, else 0.
local cur = redis.call('HGET', K.job, 'state')
if not cur then return 0 end
if A.run ~= '' and redis.call('HGET', K.job, 'run') ~= A.run then return 0 end
if A.guard == '1' and (cur == 'done' or cur == 'failed' or cur == 'cancelled') then return 0 end
redis.call('HSET', K.job, 'state', A.state, 'updatedAt', A.now)
for _, row in ipairs(ROWS) do
  if row.value == '' then redis.call('HDEL', K.job, row.field) else redis.call('HSET', K.job, row.field, row.value) end
end
if cur ~= A.state then
  local id = redis.call('HGET', K.job, 'id')
  redis.call('ZREM', A.byState .. cur, id)
  redis.call('ZADD', A.byState .. A.state, redis.call('ZSCORE', K.jobs, id) or 0, id)
end
return 1
