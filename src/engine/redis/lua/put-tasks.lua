-- Task record writes from concurrent tasks in one command, in order, with their events published
-- as one JSON array message. A write applies only to its job's current run; a task done in this
-- run stays done (a late progress write or a stalled re-run cannot undo it). The first time a task
-- is recorded done, each task that depends on it waits for one fewer; those waiting for none are
-- returned to be queued. A repeated done (a task re-run after its worker died before queueing its
-- dependants) returns the dependants that are still unqueued and not done, so nothing stays stuck.
-- The first write of a job in a batch drops its waitingFor (a task ran, so some worker serves it).
-- Returns per row {0} for a stale run, else {1 (job running) or 2 (job ended), ready task ids...}.
local events, jobs, out = {}, {}, {}
local function terminal(state) return state == 'done' or state == 'failed' or state == 'cancelled' end
for i, row in ipairs(ROWS) do
  local seen = jobs[row.job]
  if not seen then
    seen = {run = redis.call('HGET', row.job, 'run') or false, state = redis.call('HGET', row.job, 'state')}
    jobs[row.job] = seen
    if seen.run == row.run and redis.call('HDEL', row.job, 'waitingFor') == 1 then
      redis.call('PUBLISH', A.jobEvents, cjson.encode({type = 'job', jobId = row.jobId, state = seen.state}))
    end
  end
  if seen.run ~= row.run then
    out[i] = {0}
  else
    local was = redis.call('HGET', row.states, row.taskId)
    local ready = {terminal(seen.state) and 2 or 1}
    if was ~= 'done' then
      redis.call('HSET', row.tasks, row.taskId, row.record)
      redis.call('HSET', row.states, row.taskId, row.state)
      events[#events + 1] = '{"type":"task-record","jobId":' .. cjson.encode(row.jobId) .. ',"record":' .. row.record .. '}'
    end
    if row.state == 'done' and not terminal(seen.state) then
      local dependants = redis.call('HGET', row.next, row.taskId)
      if dependants then
        for dep in string.gmatch(dependants, '[^,]+') do
          if was ~= 'done' then
            if redis.call('HINCRBY', row.wait, dep, -1) <= 0 then
              redis.call('HDEL', row.wait, dep)
              ready[#ready + 1] = dep
            end
          elseif redis.call('HEXISTS', row.wait, dep) == 0 and redis.call('HGET', row.states, dep) ~= 'done' then
            ready[#ready + 1] = dep
          end
        end
      end
    end
    out[i] = ready
  end
end
if #events > 0 then redis.call('PUBLISH', A.events, '[' .. table.concat(events, ',') .. ']') end
return out
