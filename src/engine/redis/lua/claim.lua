-- A task's start reads the job header, its own record and its dependencies' records in one
-- command. Row args: dependency task ids. Returns {header as HGETALL, own record or false,
-- dependency records...}.
local out = {redis.call('HGETALL', K.job), redis.call('HGET', K.tasks, A.taskId)}
for _, row in ipairs(ROWS) do out[#out + 1] = redis.call('HGET', K.tasks, row.dep) end
return out
