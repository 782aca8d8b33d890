-- Stores the expansion task A.by made, once: a re-run of A.by adds nothing (returns {0}). Refused
-- for a stale or ended run ({-1}) or when another expansion landed since the caller read the graph
-- ({-2}: read again, validate again). Each new task (row: taskId, comma-joined dependencies) waits
-- for its dependencies not done yet (A.by counts as not done: it is finishing, and its own done
-- write follows) and becomes a dependant of each; those waiting for none are returned to be queued.
-- Returns {1, ready task ids...}.
if redis.call('HGET', K.job, 'run') ~= A.run then return {-1} end
local state = redis.call('HGET', K.job, 'state')
if state == 'done' or state == 'failed' or state == 'cancelled' then return {-1} end
if redis.call('HEXISTS', K.expanded, A.by) == 1 then return {0} end
if redis.call('LLEN', K.expansions) ~= tonumber(A.expected) then return {-2} end
redis.call('RPUSH', K.expansions, A.expansion)
redis.call('HSET', K.expanded, A.by, 1)
local ready, done, added, waits = {1}, {}, {}, {}
local function isDone(dep)
  if done[dep] == nil then done[dep] = dep ~= A.by and redis.call('HGET', K.states, dep) == 'done' end
  return done[dep]
end
for _, row in ipairs(ROWS) do
  local unmet = 0
  for dep in string.gmatch(row.deps, '[^,]+') do
    if not isDone(dep) then unmet = unmet + 1 end
    local list = added[dep]
    if not list then list = {}; added[dep] = list end
    list[#list + 1] = row.taskId
  end
  if unmet > 0 then
    waits[#waits + 1] = row.taskId
    waits[#waits + 1] = unmet
  else
    ready[#ready + 1] = row.taskId
  end
end
-- One write per hash: a join of hundreds of new tasks is one HSET, not hundreds of string copies.
if #waits > 0 then redis.call('HSET', K.wait, unpack(waits)) end
for dep, list in pairs(added) do
  local before = redis.call('HGET', K.next, dep)
  local joined = table.concat(list, ',')
  redis.call('HSET', K.next, dep, before and (before .. ',' .. joined) or joined)
end
return ready
