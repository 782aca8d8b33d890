-- Starts a run of a job unless one is active (the same id submitted twice while running is one
-- run); a new job is added to the job index. Returns {started (0|1), run}.
local cur = redis.call('HGET', K.job, 'state')
if cur and A.force ~= '1' and cur ~= 'done' and cur ~= 'failed' and cur ~= 'cancelled' then
  return {0, tonumber(redis.call('HGET', K.job, 'run') or '0')}
end
if not cur then
  redis.call('HSET', K.job, 'id', A.id, 'type', A.type, 'spec', A.spec, 'createdAt', A.now)
  redis.call('ZADD', K.jobs, A.nowMs, A.id)
else
  redis.call('ZREM', A.byState .. cur, A.id)
  -- The same job with other run options (overwrite): the new run runs with the new spec.
  redis.call('HSET', K.job, 'spec', A.spec)
end
redis.call('HSET', K.job, 'state', 'queued', 'priority', A.priority, 'updatedAt', A.now)
redis.call('HDEL', K.job, 'error', 'result', 'waitingFor', 'usage')
redis.call('ZADD', A.byState .. 'queued', redis.call('ZSCORE', K.jobs, A.id), A.id)
return {1, redis.call('HINCRBY', K.job, 'run', 1)}
