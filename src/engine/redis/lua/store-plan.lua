-- Stores a job's newly planned graph for run A.run, only while that run is current and the job is
-- not finished (a cancel or a new run during a slow plan keeps what it has): the graph text, the
-- planner that made it, no expansions, the stamps of the input files it was planned on (A.inputs,
-- JSON; '' keeps those stored: a plan made again reuses records made from them), and the records of
-- the tasks the new plan changed (rows: taskId) dropped. Returns 1 when stored, else 0.
local cur = redis.call('HGET', K.job, 'state')
if not cur or redis.call('HGET', K.job, 'run') ~= A.run then return 0 end
if cur == 'done' or cur == 'failed' or cur == 'cancelled' then return 0 end
redis.call('SET', K.graph, A.graph)
redis.call('HSET', K.job, 'plannedBy', A.plannedBy)
if A.inputs ~= '' then redis.call('HSET', K.job, 'inputs', A.inputs) end
redis.call('DEL', K.expansions, K.expanded)
for _, row in ipairs(ROWS) do redis.call('HDEL', K.tasks, row.taskId) end
return 1
